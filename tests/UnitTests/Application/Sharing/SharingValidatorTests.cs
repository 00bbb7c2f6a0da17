using MediVault.Application.Sharing.GrantAccess;
using MediVault.Application.Sharing.ListGrants;

namespace MediVault.UnitTests.Application.Sharing;

/// <summary>What granting access and listing grants accept, at each field's edges.</summary>
public sealed class SharingValidatorTests
{
    private static string[] GrantErrors(string? email) =>
        [.. new GrantAccessValidator().Validate(new GrantAccess(email, null)).Errors.Select(e => $"{e.PropertyName}: {e.ErrorMessage}")];

    [Theory]
    [InlineData("dr.lee@example.com")]
    [InlineData("a@b")]
    public void Grant_AnEmailAddress_Passes(string email) => GrantErrors(email).Should().BeEmpty();

    [Theory]
    [InlineData(null, "doctorEmail is required.")]
    [InlineData("", "doctorEmail is required.", "doctorEmail must be an email address.")] // as forgot-password answers an empty email
    [InlineData("dr.lee.example.com", "doctorEmail must be an email address.")]
    public void Grant_NoOrNotAnEmail_NamesTheField(string? email, params string[] messages) =>
        GrantErrors(email).Should().Equal(messages.Select(message => $"DoctorEmail: {message}"));

    [Fact]
    public void Grant_EmailOf256Characters_Passes_And257_IsRefused()
    {
        var domain = "@example.com";
        GrantErrors(new string('a', 256 - domain.Length) + domain).Should().BeEmpty();
        GrantErrors(new string('a', 257 - domain.Length) + domain).Should().ContainSingle().Which.Should().StartWith("DoctorEmail: ");
    }

    [Theory]
    [InlineData(1, 1, true)]
    [InlineData(1, 100, true)]
    [InlineData(0, 20, false)]
    [InlineData(1, 0, false)]
    [InlineData(1, 101, false)]
    public void ListGrants_Paging(int page, int pageSize, bool valid) =>
        new ListGrantsValidator().Validate(new ListGrants(page, pageSize)).IsValid.Should().Be(valid);
}
