using MediVault.Application.Common.Access;
using MediVault.Infrastructure.Configuration;
using MediVault.Infrastructure.Identity;

namespace MediVault.UnitTests.Infrastructure.Identity;

public sealed class OAuthScopesTests
{
    public static TheoryData<string> UserFacingScopes() => [.. OAuthScopes.UserFacing];

    [Theory]
    [MemberData(nameof(UserFacingScopes))]
    public void EveryScopeAPersonCanBeAskedFor_HasPlainWords(string scope)
    {
        var words = OAuthScopes.Describe(scope);

        words.Should().NotBe(scope).And.NotContain("/").And.NotContain(".rs");
    }

    [Fact]
    public void Registered_IsTheOidcScopesAndEverySmartScope_WithoutDuplicates()
    {
        OAuthScopes.Registered.Should().Contain(["openid", "offline_access", "fhirUser", "launch/patient", "medivault.api"])
            .And.Contain(SmartScopes.Supported).And.OnlyHaveUniqueItems();
    }

    [Fact]
    public void UserFacing_HoldsNoSystemScope_AndSystemScopesAreGrantable()
    {
        OAuthScopes.UserFacing.Should().NotContain(s => OAuthScopes.IsSystem(s));
        OAuthScopes.Registered.Where(OAuthScopes.IsSystem).Should().NotBeEmpty().And.OnlyContain(s => OAuthScopes.IsGrantableSystemScope(s));
    }

    [Theory]
    [InlineData("system/*.rs", true)]
    [InlineData("system/DocumentReference.rs", true)]
    [InlineData("system/Observation.rs", false)]
    [InlineData("system/*.cruds", false)]
    [InlineData("patient/*.rs", false)]
    [InlineData("medivault.api", false)]
    public void IsGrantableSystemScope_OnlyTheSystemScopesMediVaultServes(string scope, bool grantable)
    {
        OAuthScopes.IsGrantableSystemScope(scope).Should().Be(grantable);
    }

    [Fact]
    public void Configuration_SystemScopeThatIsNotSupported_StopsTheStartNamingTheKey()
    {
        var options = new MediVaultOptions
        {
            Clients = [new() { ClientId = "lab", ClientSecret = "0123456789abcdef0123", SystemScopes = ["system/*.rs", "patient/*.rs"] }],
        };

        var result = new MediVaultOptionsValidator().Validate(null, options);

        result.Failed.Should().BeTrue();
        result.Failures.Should().ContainSingle().Which.Should().StartWith("MediVault:Clients:0:SystemScopes:1 ");
    }

    [Fact]
    public void Configuration_SystemScopesOnAPublicClient_StopsTheStart()
    {
        var options = new MediVaultOptions
        {
            Clients = [new() { ClientId = "portal", RedirectUris = ["https://portal.example/cb"], SystemScopes = ["system/*.rs"] }],
        };

        var result = new MediVaultOptionsValidator().Validate(null, options);

        result.Failures.Should().ContainSingle().Which.Should().StartWith("MediVault:Clients:0:SystemScopes ").And.Contain("ClientSecret");
    }

    [Fact]
    public void Configuration_ConfidentialClientWithSystemScopes_IsValid()
    {
        var options = new MediVaultOptions
        {
            Clients = [new() { ClientId = "lab", ClientSecret = "0123456789abcdef0123", SystemScopes = ["system/*.rs", "system/Binary.rs"] }],
        };

        new MediVaultOptionsValidator().Validate(null, options).Succeeded.Should().BeTrue();
    }
}
