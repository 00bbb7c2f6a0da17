using System.Text.Json;
using MediVault.Application.Common.Exceptions;
using MediVault.Application.Identity.Passkeys;
using MediVault.Application.Identity.Passkeys.AddPasskey;
using MediVault.Application.Identity.Passkeys.BeginPasskeyRegistration;
using MediVault.Application.Identity.Passkeys.BeginPasskeySignIn;
using MediVault.Application.Identity.Passkeys.GetPasskey;
using MediVault.Application.Identity.Passkeys.ListPasskeys;
using MediVault.Application.Identity.Passkeys.RemovePasskey;
using MediVault.Application.Identity.TwoFactor;
using MediVault.Application.Identity.TwoFactor.BeginTwoFactorSetup;
using MediVault.Application.Identity.TwoFactor.GetTwoFactorStatus;
using MediVault.Domain.Identity;
using MediVault.UnitTests.TestSupport;
using NSubstitute;

namespace MediVault.UnitTests.Application.Identity;

/// <summary>
/// The passkey and two-factor handlers act for the signed-in person only (anonymous callers are refused before the port
/// is asked), pass what was sent as it should reach the port, and their validators hold each field at its edges.
/// </summary>
public sealed class PasskeyAndTwoFactorHandlersTests
{
    private static readonly Guid User = Guid.CreateVersion7();
    private static readonly string PasskeyId = new('a', PasskeyIdRule.Length);
    private static readonly PasskeyDto Laptop = new(PasskeyId, "Laptop", DateTimeOffset.UnixEpoch, BackedUp: true);
    private static readonly PasskeyCeremony Ceremony = new("ceremony-1", JsonDocument.Parse("""{"challenge":"abc"}""").RootElement, 300);

    private readonly IPasskeys _passkeys = Substitute.For<IPasskeys>();
    private readonly ITwoFactorAccounts _twoFactor = Substitute.For<ITwoFactorAccounts>();

    [Fact]
    public async Task Passkeys_ForTheSignedInPerson_ReachThePortWithTheirId()
    {
        var me = Callers.As(User, AccountType.Patient);
        _passkeys.BeginRegistrationAsync(User, Arg.Any<CancellationToken>()).Returns(Ceremony);
        _passkeys.AddAsync(User, "ceremony-1", "{}", "Laptop", Arg.Any<CancellationToken>()).Returns(Laptop);
        _passkeys.ListAsync(User, Arg.Any<CancellationToken>()).Returns([Laptop]);
        _passkeys.GetAsync(User, PasskeyId, Arg.Any<CancellationToken>()).Returns(Laptop);

        (await new BeginPasskeyRegistrationHandler(me, _passkeys).Handle(new BeginPasskeyRegistration(), CancellationToken.None)).Should().BeSameAs(Ceremony);
        (await new AddPasskeyHandler(me, _passkeys).Handle(new AddPasskey("ceremony-1", "{}", "  Laptop \t"), CancellationToken.None))
            .Should().BeSameAs(Laptop, "the name reaches the port trimmed");
        (await new ListPasskeysHandler(me, _passkeys).Handle(new ListPasskeys(), CancellationToken.None)).Should().Equal(Laptop);
        (await new GetPasskeyHandler(me, _passkeys).Handle(new GetPasskey(PasskeyId), CancellationToken.None)).Should().BeSameAs(Laptop);
        await new RemovePasskeyHandler(me, _passkeys).Handle(new RemovePasskey(PasskeyId, "session-7"), CancellationToken.None);

        await _passkeys.Received(1).RemoveAsync(User, PasskeyId, "session-7", Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task Passkeys_Anonymous_AreRefusedBeforeThePortIsAsked()
    {
        var nobody = Callers.Anonymous();

        await FluentActions.Awaiting(() => new BeginPasskeyRegistrationHandler(nobody, _passkeys).Handle(new BeginPasskeyRegistration(), CancellationToken.None).AsTask())
            .Should().ThrowAsync<UnauthorizedException>();
        await FluentActions.Awaiting(() => new AddPasskeyHandler(nobody, _passkeys).Handle(new AddPasskey("c", "{}", "n"), CancellationToken.None).AsTask())
            .Should().ThrowAsync<UnauthorizedException>();
        await FluentActions.Awaiting(() => new ListPasskeysHandler(nobody, _passkeys).Handle(new ListPasskeys(), CancellationToken.None).AsTask())
            .Should().ThrowAsync<UnauthorizedException>();
        await FluentActions.Awaiting(() => new GetPasskeyHandler(nobody, _passkeys).Handle(new GetPasskey(PasskeyId), CancellationToken.None).AsTask())
            .Should().ThrowAsync<UnauthorizedException>();
        await FluentActions.Awaiting(() => new RemovePasskeyHandler(nobody, _passkeys).Handle(new RemovePasskey(PasskeyId), CancellationToken.None).AsTask())
            .Should().ThrowAsync<UnauthorizedException>();

        _passkeys.ReceivedCalls().Should().BeEmpty();
    }

    [Fact]
    public async Task PasskeySignIn_NamesNoAccount()
    {
        _passkeys.BeginSignInAsync(Arg.Any<CancellationToken>()).Returns(Ceremony);

        (await new BeginPasskeySignInHandler(_passkeys).Handle(new BeginPasskeySignIn(), CancellationToken.None)).Should().BeSameAs(Ceremony);
    }

    [Theory]
    [InlineData("0123456789abcdef0123456789abcdef", true)]
    [InlineData("0123456789abcdef0123456789abcde", false)] // 31
    [InlineData("0123456789abcdef0123456789abcdef0", false)] // 33
    [InlineData("0123456789ABCDEF0123456789ABCDEF", false)] // upper case
    [InlineData("0123456789abcdef0123456789abcdeg", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void PasskeyId_Is32LowerCaseHexDigits(string? id, bool valid)
    {
        PasskeyIdRule.IsWellFormed(id).Should().Be(valid);
        new GetPasskeyValidator().Validate(new GetPasskey(id)).IsValid.Should().Be(valid);
        var removal = new RemovePasskeyValidator().Validate(new RemovePasskey(id));
        removal.IsValid.Should().Be(valid);
        if (!valid)
            removal.Errors.Single().ErrorMessage.Should().Be("id must be a passkey id from GET /api/account/passkeys (32 hex digits).");
    }

    private static string[] AddErrors(string? ceremony = "c", string? credential = "{}", string? name = "Laptop") =>
        [.. new AddPasskeyValidator().Validate(new AddPasskey(ceremony, credential, name)).Errors.Select(e => e.PropertyName)];

    [Fact]
    public void AddValidator_EachFieldAtItsEdges()
    {
        AddErrors().Should().BeEmpty();
        AddErrors(ceremony: new string('c', PasskeyRules.MaxCeremonyLength), credential: new string('{', PasskeyRules.MaxCredentialJsonLength),
            name: new string('n', PasskeyRules.MaxNameLength)).Should().BeEmpty();
        AddErrors(ceremony: new string('c', PasskeyRules.MaxCeremonyLength + 1)).Should().Equal("Ceremony");
        AddErrors(credential: new string('{', PasskeyRules.MaxCredentialJsonLength + 1)).Should().Equal("credential");
        AddErrors(name: new string('n', PasskeyRules.MaxNameLength + 1)).Should().Equal("Name");
        AddErrors(ceremony: "", credential: null, name: "   ").Should().Equal("Ceremony", "credential", "Name");
        AddErrors(name: "Lap\ntop").Should().Equal("Name");
    }

    [Fact]
    public async Task TwoFactorStatusAndSetup_ForTheSignedInPerson_AnonymousRefused()
    {
        var me = Callers.As(User, AccountType.Doctor);
        var status = new TwoFactorStatus(Enabled: false, Required: true, RecoveryCodesLeft: 0);
        var setup = new AuthenticatorSetup("KEY", "otpauth://totp/x", "png");
        _twoFactor.GetStatusAsync(User, Arg.Any<CancellationToken>()).Returns(status);
        _twoFactor.BeginSetupAsync(User, Arg.Any<CancellationToken>()).Returns(setup);

        (await new GetTwoFactorStatusHandler(me, _twoFactor).Handle(new GetTwoFactorStatus(), CancellationToken.None)).Should().BeSameAs(status);
        (await new BeginTwoFactorSetupHandler(me, _twoFactor).Handle(new BeginTwoFactorSetup(), CancellationToken.None)).Should().BeSameAs(setup);

        await FluentActions.Awaiting(() => new GetTwoFactorStatusHandler(Callers.Anonymous(), _twoFactor).Handle(new GetTwoFactorStatus(), CancellationToken.None).AsTask())
            .Should().ThrowAsync<UnauthorizedException>();
        await FluentActions.Awaiting(() => new BeginTwoFactorSetupHandler(Callers.Anonymous(), _twoFactor).Handle(new BeginTwoFactorSetup(), CancellationToken.None).AsTask())
            .Should().ThrowAsync<UnauthorizedException>();
        _twoFactor.ReceivedCalls().Should().HaveCount(2);
    }
}
