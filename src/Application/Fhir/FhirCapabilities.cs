using Hl7.Fhir.Model;
using MediVault.Application.Common.Access;

namespace MediVault.Application.Fhir;

/// <summary>Where the OAuth server answers; the CapabilityStatement and the SMART configuration name these.</summary>
public sealed record OAuthEndpoints(string Authorize, string Token, string Revoke);

/// <summary>The CapabilityStatement <c>/fhir/r4/metadata</c> serves: what MediVault's FHIR server can do, and how to get a token.</summary>
public static class FhirCapabilities
{
    public static CapabilityStatement Build(string baseUrl, OAuthEndpoints oauth, DateTime publishedAt)
    {
        ArgumentNullException.ThrowIfNull(oauth);
        var security = new CapabilityStatement.SecurityComponent
        {
            Cors = true,
            Service = [new CodeableConcept("http://terminology.hl7.org/CodeSystem/restful-security-service", "SMART-on-FHIR", "SMART-on-FHIR")],
            Description = "OAuth 2.0 with SMART App Launch 2 scopes (patient/, user/, system/ … .rs); see /.well-known/smart-configuration.",
        };
        security.Extension.Add(new Extension
        {
            Url = "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris",
            Extension =
            [
                new Extension("authorize", new FhirUri(oauth.Authorize)),
                new Extension("token", new FhirUri(oauth.Token)),
                new Extension("revoke", new FhirUri(oauth.Revoke)),
            ],
        });

        var rest = new CapabilityStatement.RestComponent
        {
            Mode = CapabilityStatement.RestfulCapabilityMode.Server,
            Security = security,
        };
        foreach (var type in SmartScopes.ResourceTypes)
        {
            var resource = new CapabilityStatement.ResourceComponent
            {
                Type = type,
                Interaction = [new CapabilityStatement.ResourceInteractionComponent { Code = CapabilityStatement.TypeRestfulInteraction.Read }],
            };
            if (FhirSearch.Supported.TryGetValue(type, out var parameters))
            {
                resource.Interaction.Add(new CapabilityStatement.ResourceInteractionComponent { Code = CapabilityStatement.TypeRestfulInteraction.SearchType });
                resource.SearchParam = [.. parameters.Select(p => new CapabilityStatement.SearchParamComponent
                {
                    Name = p,
                    Type = p switch { "patient" => SearchParamType.Reference, "date" => SearchParamType.Date, _ => SearchParamType.Token },
                })];
            }
            if (type == "Patient")
            {
                resource.Operation.Add(new CapabilityStatement.OperationComponent
                {
                    Name = "summary",
                    Definition = "http://hl7.org/fhir/uv/ips/OperationDefinition/summary",
                });
            }
            rest.Resource.Add(resource);
        }

        return new CapabilityStatement
        {
            Url = baseUrl + "/metadata",
            Name = "MediVault",
            Title = "MediVault FHIR R4 API",
            Status = PublicationStatus.Active,
            DateElement = new FhirDateTime(new DateTimeOffset(publishedAt, TimeSpan.Zero)),
            Publisher = "MediVault",
            Kind = CapabilityStatementKind.Instance,
            Software = new CapabilityStatement.SoftwareComponent { Name = "MediVault" },
            Implementation = new CapabilityStatement.ImplementationComponent { DescriptionString = "MediVault medical records vault", Url = baseUrl },
            FhirVersion = FHIRVersion.N4_0_1,
            Format = ["application/fhir+json"],
            Rest = [rest],
        };
    }
}
