using MediVault.Application.Common.Abstractions;
using MediVault.Application.Common.Exceptions;
using MediVault.Application.DataRights.Reauthenticate;
using MediVault.Application.Identity;
using MediVault.Application.Identity.ChangePassword;
using MediVault.Application.Identity.ConnectedApps;
using MediVault.Application.Identity.ConnectedApps.ListConnectedApps;
using MediVault.Application.Identity.ConnectedApps.RevokeConnectedApp;
using MediVault.Application.Identity.GetCurrentUser;
using MediVault.Application.Identity.Register;
using MediVault.Application.Identity.UpdateProfile;
using MediVault.Domain.Identity;
using MediVault.UnitTests.TestSupport;
using NSubstitute;

namespace MediVault.UnitTests.Application.Identity;

/// <summary>The account use cases over the identity ports: what they pass on, what they trim, and who may call them.</summary>
public sealed class AccountHandlersTests
{
    private static readonly Guid UserId = Guid.CreateVersion7();
    private static readonly UserDto User = new(UserId, "p@example.com", "Pat Patient", AccountType.Patient, DateTime.UnixEpoch, null, null, TwoFactorEnabled: false);

    private readonly IAccountService _accounts = Substitute.For<IAccountService>();
    private readonly IConnectedApps _apps = Substitute.For<IConnectedApps>();
    private readonly ICurrentUser _me = Callers.As(UserId, AccountType.Patient);

    [Theory]
    [InlineData(AccountType.Doctor, "LIC-1", "GP")]
    [InlineData(AccountType.Patient, null, null)]
    public async Task Register_TrimsAndKeepsLicenceAndSpecialtyForDoctorsOnly(AccountType type, string? license, string? specialty)
    {
        _accounts.CreateAsync(Arg.Any<NewAccount>(), Arg.Any<CancellationToken>()).Returns(User);

        var created = await new RegisterHandler(_accounts).Handle(
            new Register("  p@example.com ", " pass word ", "  Pat Patient ", type, " LIC-1 ", " GP "), CancellationToken.None);

        created.Should().BeSameAs(User);
        await _accounts.Received(1).CreateAsync(
            new NewAccount("p@example.com", " pass word ", "Pat Patient", type, license, specialty), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task CurrentUser_IsTheAccount_AndAGoneAccountIsUnauthorized()
    {
        _accounts.FindAsync(UserId, Arg.Any<CancellationToken>()).Returns(User, (UserDto?)null);
        var handler = new GetCurrentUserHandler(_me, _accounts);

        (await handler.Handle(new GetCurrentUser(), CancellationToken.None)).Should().BeSameAs(User);
        var gone = async () => await handler.Handle(new GetCurrentUser(), CancellationToken.None);
        (await gone.Should().ThrowAsync<UnauthorizedException>()).Which.Message.Should().Contain("no longer exists");
    }

    [Fact]
    public async Task UpdateProfile_PassesTrimmedFieldsAndKeepsAbsentOnesAbsent()
    {
        _accounts.UpdateProfileAsync(UserId, Arg.Any<string?>(), Arg.Any<string?>(), Arg.Any<CancellationToken>()).Returns(User);
        var handler = new UpdateProfileHandler(_me, _accounts);

        await handler.Handle(new UpdateProfile("  New Name ", " Cardiology "), CancellationToken.None);
        await handler.Handle(new UpdateProfile(null, null), CancellationToken.None);

        await _accounts.Received(1).UpdateProfileAsync(UserId, "New Name", "Cardiology", Arg.Any<CancellationToken>());
        await _accounts.Received(1).UpdateProfileAsync(UserId, null, null, Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task ChangePassword_PassesBothPasswordsAndTheSessionToKeep()
    {
        await new ChangePasswordHandler(_me, _accounts).Handle(new ChangePassword("old-secret", "new-secret", "session-1"), CancellationToken.None);

        await _accounts.Received(1).ChangePasswordAsync(UserId, "old-secret", "new-secret", "session-1", Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task Reauthenticate_ChecksThePasswordThenIssuesAProof()
    {
        var recent = Substitute.For<IRecentAuthentication>();
        var proof = new ReauthenticationProof("proof", DateTime.UnixEpoch);
        recent.Issue(UserId).Returns(proof);

        (await new ReauthenticateHandler(_me, _accounts, recent).Handle(new Reauthenticate("secret"), CancellationToken.None)).Should().BeSameAs(proof);
        await _accounts.Received(1).EnsurePasswordAsync(UserId, "secret", Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task Reauthenticate_WrongPassword_IssuesNothing()
    {
        var recent = Substitute.For<IRecentAuthentication>();
        _accounts.EnsurePasswordAsync(UserId, "wrong", Arg.Any<CancellationToken>())
            .Returns(Task.FromException(new ValidationFailedException("password", "password is not correct.")));

        var act = async () => await new ReauthenticateHandler(_me, _accounts, recent).Handle(new Reauthenticate("wrong"), CancellationToken.None);

        await act.Should().ThrowAsync<ValidationFailedException>();
        recent.ReceivedCalls().Should().BeEmpty();
    }

    [Fact]
    public async Task ConnectedApps_ListIsTheCallers_AndRevokeOfAnUnknownAppIsNotFound()
    {
        var app = Guid.CreateVersion7();
        IReadOnlyList<ConnectedAppDto> list = [new ConnectedAppDto(app, "portal", "Portal", [], DateTime.UnixEpoch, null)];
        _apps.ListAsync(UserId, Arg.Any<CancellationToken>()).Returns(list);
        _apps.RevokeAsync(UserId, app, Arg.Any<CancellationToken>()).Returns(true);

        (await new ListConnectedAppsHandler(_me, _apps).Handle(new ListConnectedApps(), CancellationToken.None)).Should().BeSameAs(list);
        await new RevokeConnectedAppHandler(_me, _apps).Handle(new RevokeConnectedApp(app.ToString()), CancellationToken.None);
        var unknown = async () => await new RevokeConnectedAppHandler(_me, _apps)
            .Handle(new RevokeConnectedApp(Guid.CreateVersion7().ToString()), CancellationToken.None);

        await unknown.Should().ThrowAsync<NotFoundException>().WithMessage("No connected app with this id.");
        await _apps.Received(1).RevokeAsync(UserId, app, Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task EveryAccountUseCase_Anonymous_IsUnauthorizedAndTouchesNoAccount()
    {
        var anonymous = Callers.Anonymous();
        var recent = Substitute.For<IRecentAuthentication>();
        Func<Task>[] calls =
        [
            async () => await new GetCurrentUserHandler(anonymous, _accounts).Handle(new GetCurrentUser(), CancellationToken.None),
            async () => await new UpdateProfileHandler(anonymous, _accounts).Handle(new UpdateProfile("x", null), CancellationToken.None),
            async () => await new ChangePasswordHandler(anonymous, _accounts).Handle(new ChangePassword("a", "b", null), CancellationToken.None),
            async () => await new ReauthenticateHandler(anonymous, _accounts, recent).Handle(new Reauthenticate("a"), CancellationToken.None),
            async () => await new ListConnectedAppsHandler(anonymous, _apps).Handle(new ListConnectedApps(), CancellationToken.None),
            async () => await new RevokeConnectedAppHandler(anonymous, _apps).Handle(new RevokeConnectedApp(Guid.CreateVersion7().ToString()), CancellationToken.None),
        ];

        foreach (var call in calls)
            await call.Should().ThrowAsync<UnauthorizedException>();
        _accounts.ReceivedCalls().Should().BeEmpty();
        _apps.ReceivedCalls().Should().BeEmpty();
    }

    [Theory]
    [InlineData("old", "new-secret", true)]
    [InlineData("", "new-secret", false)]
    [InlineData("old", "", false)]
    [InlineData("old", "1234567", false)]
    [InlineData("old", "12345678", true)]
    public void ChangePasswordValidator_NeedsBothAndAtLeastEightCharacters(string current, string next, bool valid) =>
        new ChangePasswordValidator().Validate(new ChangePassword(current, next, null)).IsValid.Should().Be(valid);

    [Fact]
    public void ChangePasswordValidator_At128_PassesAndAt129_Fails()
    {
        new ChangePasswordValidator().Validate(new ChangePassword("old", new string('p', 128), null)).IsValid.Should().BeTrue();
        new ChangePasswordValidator().Validate(new ChangePassword("old", new string('p', 129), null)).IsValid.Should().BeFalse();
    }

    [Theory]
    [InlineData(null, null, true)]
    [InlineData("Pat", "GP", true)]
    [InlineData("", null, false)]
    [InlineData("   ", null, false)]
    [InlineData("Pat\u0007", null, false)]
    public void UpdateProfileValidator_NameIfGivenMustBeVisibleText(string? name, string? specialty, bool valid) =>
        new UpdateProfileValidator().Validate(new UpdateProfile(name, specialty)).IsValid.Should().Be(valid);

    [Fact]
    public void UpdateProfileValidator_Lengths_NameUpTo200SpecialtyUpTo100()
    {
        var validator = new UpdateProfileValidator();

        validator.Validate(new UpdateProfile(new string('n', 200), new string('s', 100))).IsValid.Should().BeTrue();
        validator.Validate(new UpdateProfile(new string('n', 201), null)).IsValid.Should().BeFalse();
        validator.Validate(new UpdateProfile(null, new string('s', 101))).IsValid.Should().BeFalse();
    }

    [Theory]
    [InlineData("not-a-guid", false)]
    [InlineData(null, false)]
    [InlineData("0190c0de-0000-7000-8000-000000000001", true)]
    public void RevokeConnectedAppValidator_NeedsAGuid(string? id, bool valid) =>
        new RevokeConnectedAppValidator().Validate(new RevokeConnectedApp(id)).IsValid.Should().Be(valid);

    [Theory]
    [InlineData("secret", true)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void ReauthenticateValidator_NeedsAPassword(string? password, bool valid) =>
        new ReauthenticateValidator().Validate(new Reauthenticate(password)).IsValid.Should().Be(valid);

    [Fact]
    public void ReauthenticateValidator_OverlongPassword_IsJustNotCorrect()
    {
        var errors = new ReauthenticateValidator().Validate(new Reauthenticate(new string('p', 129))).Errors;

        errors.Should().ContainSingle().Which.ErrorMessage.Should().Be("password is not correct.");
        new ReauthenticateValidator().Validate(new Reauthenticate(new string('p', 128))).IsValid.Should().BeTrue();
    }
}
