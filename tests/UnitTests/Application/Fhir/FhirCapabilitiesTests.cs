using Hl7.Fhir.Model;
using MediVault.Application.Common.Access;
using MediVault.Application.Fhir;

namespace MediVault.UnitTests.Application.Fhir;

/// <summary>
/// The CapabilityStatement at <c>/fhir/r4/metadata</c>: what a client reads to find the token endpoints, the resource
/// types, their interactions and search parameters, and the <c>$summary</c> operation.
/// </summary>
public sealed class FhirCapabilitiesTests
{
    private const string OAuthUrisExtension = "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris";

    private static CapabilityStatement Build() => FhirCapabilities.Build(FhirSamples.BaseUrl, FhirSamples.OAuth, FhirSamples.At);

    private static CapabilityStatement.RestComponent Rest() => Build().Rest.Should().ContainSingle().Subject;

    private static CapabilityStatement.ResourceComponent Resource(string type) => Rest().Resource.Single(r => r.Type == type);

    [Fact]
    public void Build_WithoutOAuthEndpoints_ThrowsArgumentNullException()
    {
        var build = () => FhirCapabilities.Build(FhirSamples.BaseUrl, null!, FhirSamples.At);

        build.Should().Throw<ArgumentNullException>().WithParameterName("oauth");
    }

    [Fact]
    public void Build_DescribesTheServerInstance()
    {
        var statement = Build();

        statement.Url.Should().Be("https://vault.example/fhir/r4/metadata");
        statement.Name.Should().Be("MediVault");
        statement.Title.Should().Be("MediVault FHIR R4 API");
        statement.Publisher.Should().Be("MediVault");
        statement.Status.Should().Be(PublicationStatus.Active);
        statement.DateElement!.ToDateTimeOffset(TimeSpan.Zero).Should().Be(new DateTimeOffset(FhirSamples.At, TimeSpan.Zero));
        statement.Kind.Should().Be(CapabilityStatementKind.Instance);
        statement.Software!.Name.Should().Be("MediVault");
        statement.Implementation!.Url.Should().Be(FhirSamples.BaseUrl);
        statement.Implementation.Description.Should().Be("MediVault medical records vault");
        statement.FhirVersion.Should().Be(FHIRVersion.N4_0_1);
        statement.Format.Should().Equal("application/fhir+json");
    }

    [Fact]
    public void Build_HasOneServerRestComponent()
    {
        Rest().Mode.Should().Be(CapabilityStatement.RestfulCapabilityMode.Server);
    }

    [Fact]
    public void Build_Security_IsSmartOnFhirWithCors()
    {
        var security = Rest().Security!;

        security.Cors.Should().BeTrue();
        var service = security.Service.Should().ContainSingle().Subject;
        var coding = service.Coding.Should().ContainSingle().Subject;
        coding.System.Should().Be("http://terminology.hl7.org/CodeSystem/restful-security-service");
        coding.Code.Should().Be("SMART-on-FHIR");
        service.Text.Should().Be("SMART-on-FHIR");
        security.Description.Should().Contain("/.well-known/smart-configuration");
    }

    [Fact]
    public void Build_Security_NamesTheAuthorizeTokenAndRevokeUrlsInTheSmartOAuthUrisExtension()
    {
        var oauthUris = Rest().Security!.GetExtension(OAuthUrisExtension);

        oauthUris.Should().NotBeNull();
        oauthUris!.Extension.Select(e => (e.Url, ((FhirUri)e.Value!).Value)).Should().Equal(
            ("authorize", "https://vault.example/connect/authorize"),
            ("token", "https://vault.example/connect/token"),
            ("revoke", "https://vault.example/connect/revoke"));
    }

    [Fact]
    public void Build_ListsEveryResourceTypeASmartScopeCanGrant_Once()
    {
        Rest().Resource.Select(r => r.Type).Should().Equal(SmartScopes.ResourceTypes);
    }

    [Theory]
    [InlineData("Patient", false)]
    [InlineData("Binary", false)]
    [InlineData("AllergyIntolerance", true)]
    [InlineData("Condition", true)]
    [InlineData("MedicationStatement", true)]
    [InlineData("DocumentReference", true)]
    [InlineData("AuditEvent", true)]
    public void Build_EachResourceType_OffersReadAndSearchOnlyWhereSearchable(string type, bool searchable)
    {
        var resource = Resource(type);

        CapabilityStatement.TypeRestfulInteraction[] expected = searchable
            ? [CapabilityStatement.TypeRestfulInteraction.Read, CapabilityStatement.TypeRestfulInteraction.SearchType]
            : [CapabilityStatement.TypeRestfulInteraction.Read];
        resource.Interaction.Select(i => i.Code).Should().Equal(expected.Cast<CapabilityStatement.TypeRestfulInteraction?>());
        if (!searchable)
            resource.SearchParam.Should().BeEmpty();
    }

    [Fact]
    public void Build_SearchParameters_AreThoseTheSearchAccepts()
    {
        foreach (var (type, parameters) in FhirSearch.Supported)
            Resource(type).SearchParam.Select(p => p.Name).Should().Equal(parameters, type);
    }

    [Fact]
    public void Build_SearchParameterTypes_PatientIsAReferenceDateADateCategoryAToken()
    {
        static IEnumerable<string> Parameters(string type) => Resource(type).SearchParam.Select(p => $"{p.Name}:{p.Type}");

        Parameters("DocumentReference").Should().Equal("patient:Reference", "category:Token", "date:Date");
        Parameters("AuditEvent").Should().Equal("patient:Reference", "date:Date");
        Parameters("Condition").Should().Equal("patient:Reference");
    }

    [Fact]
    public void Build_Patient_OffersTheIpsSummaryOperation()
    {
        var operation = Resource("Patient").Operation.Should().ContainSingle().Subject;

        operation.Name.Should().Be("summary");
        operation.Definition.Should().Be("http://hl7.org/fhir/uv/ips/OperationDefinition/summary");
    }

    [Fact]
    public void Build_OtherResourceTypes_OfferNoOperation()
    {
        Rest().Resource.Where(r => r.Type != "Patient").Should().AllSatisfy(r => r.Operation.Should().BeEmpty(r.Type));
    }
}
