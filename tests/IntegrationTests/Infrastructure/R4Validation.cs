using System.Text.Json;
using Firely.Fhir.Validation;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Hl7.Fhir.Specification.Source;
using Hl7.Fhir.Specification.Terminology;

namespace MediVault.IntegrationTests.Infrastructure;

/// <summary>
/// Validates FHIR JSON as a client received it against base R4 with the Firely validator (the same setup as the unit
/// tests' R4Validator, offline from Hl7.Fhir.Specification.Data.R4). Loaded once per process: it takes seconds.
/// </summary>
public static class R4Validation
{
    private static readonly Lazy<Validator> Validator = new(() =>
    {
        var source = new CachedResolver(ZipSource.CreateValidationSource());
        return new Validator(source, new LocalTerminologyService(source));
    });

    private static readonly JsonSerializerOptions Fhir = new JsonSerializerOptions().ForFhir();

    /// <summary>The error and fatal issues of the resource in <paramref name="json"/>.</summary>
    public static IReadOnlyList<string> Errors(string json)
    {
        var resource = JsonSerializer.Deserialize<Resource>(json, Fhir)!;
        var outcome = Validator.Value.Validate(resource);
        return [.. outcome.Issue
            .Where(i => i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal)
            .Select(i => $"{i.Location?.FirstOrDefault() ?? i.Expression?.FirstOrDefault()}: {i.Details?.Text ?? i.Diagnostics}")];
    }
}
