using Firely.Fhir.Validation;
using Hl7.Fhir.Model;
using Hl7.Fhir.Specification.Source;
using Hl7.Fhir.Specification.Terminology;
using MediVault.Application.Common.Access;
using MediVault.Application.Fhir;
using MediVault.Application.Fhir.Ips;
using MediVault.Application.Fhir.SearchResources;
using MediVault.Domain.Audit;
using MediVault.Domain.Records;

namespace MediVault.UnitTests.Application.Fhir;

/// <summary>The base R4 specification, loaded once (offline, from Hl7.Fhir.Specification.Data.R4's specification.zip).</summary>
public sealed class R4Validator
{
    private readonly Validator _validator;

    public R4Validator()
    {
        var source = new CachedResolver(ZipSource.CreateValidationSource());
        _validator = new Validator(source, new LocalTerminologyService(source));
    }

    /// <summary>The error and fatal issues of validating against the base resource definitions.</summary>
    public IReadOnlyList<string> Errors(Resource resource)
    {
        var outcome = _validator.Validate(resource);
        return [.. outcome.Issue
            .Where(i => i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal)
            .Select(i => $"{i.Location?.FirstOrDefault() ?? i.Expression?.FirstOrDefault()}: {i.Details?.Text ?? i.Diagnostics}")];
    }
}

/// <summary>Every resource shape the FHIR API emits validates against base FHIR R4.</summary>
public sealed class FhirValidityTests(R4Validator validator) : IClassFixture<R4Validator>
{
    public static TheoryData<string> Shapes() => [.. Samples.Keys];

    private static readonly Dictionary<string, Func<Resource>> Samples = new()
    {
        ["Patient with profile"] = () => FhirResources.Patient(FhirSamples.Patient(FhirSamples.FullProfile())),
        ["Patient without profile"] = () => FhirResources.Patient(FhirSamples.Patient(null)),
        ["AllergyIntolerance with reaction"] = () => FhirResources.Allergy(FhirSamples.PatientId, 0, FhirSamples.FullProfile().Allergies[0], FhirSamples.At),
        ["AllergyIntolerance without reaction"] = () => FhirResources.Allergy(FhirSamples.PatientId, 1, FhirSamples.FullProfile().Allergies[1], FhirSamples.At),
        ["Condition with notes"] = () => FhirResources.Condition(FhirSamples.PatientId, 0, FhirSamples.FullProfile().Conditions[0], FhirSamples.At),
        ["Condition without notes"] = () => FhirResources.Condition(FhirSamples.PatientId, 1, FhirSamples.FullProfile().Conditions[1], FhirSamples.At),
        ["MedicationStatement with dosage"] = () => FhirResources.Medication(FhirSamples.PatientId, 0, FhirSamples.FullProfile().Medications[0], FhirSamples.At),
        ["MedicationStatement without dosage"] = () => FhirResources.Medication(FhirSamples.PatientId, 1, FhirSamples.FullProfile().Medications[1], FhirSamples.At),
        ["Observation blood type"] = () => FhirResources.BloodType(FhirSamples.PatientId, "AB-", FhirSamples.At)!,
        ["DocumentReference with record date"] = () => FhirResources.Document(FhirSamples.Document(FileCategory.LabReport, new DateOnly(2026, 11, 1))),
        ["DocumentReference of category other"] = () => FhirResources.Document(FhirSamples.Document(FileCategory.Other)),
        ["AuditEvent by the patient"] = () => FhirResources.Audit(FhirSamples.PatientId, FhirSamples.LogEntry(FhirSamples.PatientId, ActorRole.Patient)),
        ["AuditEvent refused doctor"] = () => FhirResources.Audit(FhirSamples.PatientId, FhirSamples.LogEntry(Guid.NewGuid(), ActorRole.Doctor, AccessOutcome.Denied)),
        ["AuditEvent emergency responder"] = () => FhirResources.Audit(FhirSamples.PatientId, FhirSamples.LogEntry(null, ActorRole.Emergency) with { ActorName = "", IpAddress = null }),
        ["IPS document, full profile"] = () => IpsBuilder.Build(new IpsRequest(FhirSamples.Patient(FhirSamples.FullProfile()), Guid.NewGuid(), FhirSamples.At)),
        ["IPS document, empty profile"] = () => IpsBuilder.Build(new IpsRequest(FhirSamples.Patient(FhirSamples.EmptyProfile()), Guid.NewGuid(), FhirSamples.At)),
        ["IPS document, no profile"] = () => IpsBuilder.Build(new IpsRequest(FhirSamples.Patient(null), Guid.NewGuid(), FhirSamples.At)),
        ["Searchset bundle"] = () => SearchResourcesHandler.Searchset(
            new SearchResources(FhirSearch.Parse("DocumentReference", [new("patient", FhirSamples.PatientId.ToString()), new("_count", "1")]), "https://vault.example/fhir/r4"),
            3, [FhirResources.Document(FhirSamples.Document())]),
        ["CapabilityStatement"] = () => FhirCapabilities.Build(FhirSamples.BaseUrl, FhirSamples.OAuth, FhirSamples.At),
        ["OperationOutcome"] = () => FhirOutcomes.Error(OperationOutcome.IssueType.NotFound, "The resource was not found."),
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Shape_ValidatesAgainstBaseR4(string shape)
    {
        var resource = Samples[shape]();

        var errors = validator.Errors(resource);

        errors.Should().BeEmpty($"{shape} must be valid R4");
    }

    [Fact]
    public void Validator_CatchesAnInvalidResource()
    {
        // The check must be able to fail: a DocumentReference without its required status and content.
        var errors = validator.Errors(new DocumentReference { Subject = FhirResources.PatientReference(FhirSamples.PatientId) });

        errors.Should().NotBeEmpty();
    }

    [Fact]
    public void SupportedScopes_AreAllParseableResourceScopesOrKnownNames()
    {
        SmartScopes.Supported.Where(s => !SmartScope.TryParse(s, out _)).Should().BeEquivalentTo([SmartScopes.LaunchPatient, SmartScopes.FhirUser]);
    }
}
