using MediVault.Application.Common.Abstractions;
using MediVault.Application.Common.Exceptions;
using MediVault.Application.Identity;
using MediVault.Application.Identity.ForgotPassword;
using MediVault.Application.Identity.ResetPassword;
using MediVault.Application.Identity.TwoFactor;
using MediVault.Application.Identity.TwoFactor.ConfirmTwoFactorSetup;
using MediVault.Application.Identity.TwoFactor.DisableTwoFactor;
using MediVault.Application.Identity.TwoFactor.RegenerateRecoveryCodes;
using MediVault.Domain.Identity;
using MediVault.Infrastructure.Identity;
using MediVault.UnitTests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;
using NSubstitute.ExceptionExtensions;

namespace MediVault.UnitTests.Application.Identity;

/// <summary>
/// "Forgot password" and the reset link against the real token table: the rate limit at its edge, what is stored and
/// mailed, the link's lifetime and single use. The account service, the outbox and the links are ports. Also the
/// two-factor code rule and the handlers that pass a trimmed code on.
/// </summary>
public sealed class PasswordResetHandlersTests : IAsyncLifetime
{
    private static readonly DateTime Now = new(2026, 11, 24, 12, 0, 0, DateTimeKind.Utc);
    private static readonly Guid UserId = Guid.CreateVersion7();
    private static readonly UserDto User = new(UserId, "pat@example.com", "Pat Patient", AccountType.Patient, Now, null, null, TwoFactorEnabled: false);

    private readonly IAccountService _accounts = Substitute.For<IAccountService>();
    private readonly IEmailOutbox _outbox = Substitute.For<IEmailOutbox>();
    private readonly IAccountLinks _links = Substitute.For<IAccountLinks>();
    private readonly FakeTimeProvider _clock = new(Now);
    private SqliteTestDatabase _database = null!;

    public async Task InitializeAsync()
    {
        _database = await SqliteTestDatabase.CreateAsync();
        await using var db = _database.NewContext();
        db.Users.Add(new ApplicationUser { Id = UserId, UserName = User.Email, Email = User.Email, FullName = User.FullName, CreatedAt = Now });
        await db.SaveChangesAsync();
        _accounts.FindByEmailAsync("pat@example.com", Arg.Any<CancellationToken>()).Returns(User);
        _links.PasswordResetUrl(Arg.Any<string>()).Returns(call => "https://vault.example/reset#" + call.Arg<string>());
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    private async Task Forgot(string email)
    {
        await using var db = _database.NewContext();
        await new ForgotPasswordHandler(_accounts, db, _outbox, _links, _clock).Handle(new ForgotPassword(email), CancellationToken.None);
    }

    private async Task Reset(string? token, string password = "Correct-Horse-42")
    {
        await using var db = _database.NewContext();
        await new ResetPasswordHandler(_accounts, db, _clock).Handle(new ResetPassword(token, password), CancellationToken.None);
    }

    private async Task<List<PasswordResetToken>> Tokens()
    {
        await using var db = _database.NewContext();
        return await db.PasswordResetTokens.AsNoTracking().OrderBy(t => t.CreatedAt).ToListAsync();
    }

    /// <summary>The token the last e-mail carried.</summary>
    private string MailedToken() =>
        _outbox.ReceivedCalls().Select(c => (EmailMessage)c.GetArguments()[0]!).Last().TextBody
            .Split('\n').Single(line => line.Contains("https://vault.example/reset#", StringComparison.Ordinal)).Trim()["https://vault.example/reset#".Length..];

    [Fact]
    public async Task Forgot_KnownEmail_StoresOnlyTheHashAndMailsTheLinkToTheAccount()
    {
        await Forgot("  pat@example.com ");

        var stored = (await Tokens()).Should().ContainSingle().Subject;
        var token = MailedToken();
        ResetLinkToken.IsWellFormed(token).Should().BeTrue();
        stored.TokenHash.Should().Be(ResetLinkToken.Hash(token)).And.NotContain(token);
        stored.UserId.Should().Be(UserId);
        stored.CreatedAt.Should().Be(Now);
        _outbox.Received(1).Enqueue(Arg.Is<EmailMessage>(m =>
            m.To == "pat@example.com" && m.ToName == "Pat Patient" && m.Subject == "Reset your MediVault password"
            && m.TextBody.StartsWith("Hello Pat Patient,", StringComparison.Ordinal) && m.TextBody.Contains("within 30 minutes", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Forgot_UnknownEmail_StoresAndSendsNothing()
    {
        await Forgot("nobody@example.com");

        (await Tokens()).Should().BeEmpty();
        _outbox.ReceivedCalls().Should().BeEmpty();
    }

    [Fact]
    public async Task Forgot_ThirdLinkWithinTheLifetime_IsSent_TheFourthIsNot()
    {
        for (var i = 0; i < ForgotPasswordHandler.MaxLinksPerLifetime; i++)
            await Forgot("pat@example.com");
        _outbox.ReceivedCalls().Should().HaveCount(3);

        await Forgot("pat@example.com");

        (await Tokens()).Should().HaveCount(3);
        _outbox.ReceivedCalls().Should().HaveCount(3);
    }

    [Fact]
    public async Task Forgot_ALinkExactlyOneLifetimeOld_NoLongerCounts()
    {
        for (var i = 0; i < ForgotPasswordHandler.MaxLinksPerLifetime; i++)
            await Forgot("pat@example.com");

        _clock.Advance(PasswordResetToken.Lifetime - TimeSpan.FromTicks(1));
        await Forgot("pat@example.com");
        (await Tokens()).Should().HaveCount(3, "all three are still within the lifetime");

        _clock.Advance(TimeSpan.FromTicks(1));
        await Forgot("pat@example.com");
        (await Tokens()).Should().HaveCount(4);
    }

    [Fact]
    public async Task Reset_WithTheMailedToken_SetsThePassword_AndSpendsEveryOpenLinkOfTheAccount()
    {
        await Forgot("pat@example.com");
        await Forgot("pat@example.com");
        var token = MailedToken();
        _clock.Advance(TimeSpan.FromMinutes(1));

        await Reset(token);

        await _accounts.Received(1).EnsureAcceptablePasswordAsync(UserId, "Correct-Horse-42", "newPassword", Arg.Any<CancellationToken>());
        await _accounts.Received(1).ResetPasswordAsync(UserId, "Correct-Horse-42", Arg.Any<CancellationToken>());
        (await Tokens()).Should().OnlyContain(t => t.UsedAt == Now.AddMinutes(1));
        await FluentActions.Awaiting(() => Reset(token)).Should().ThrowAsync<ValidationFailedException>();
    }

    [Theory]
    [InlineData(-1, true)]
    [InlineData(0, false)]
    public async Task Reset_UpToTheInstantTheLinkExpires(long ticksFromExpiry, bool works)
    {
        await Forgot("pat@example.com");
        var token = MailedToken();
        _clock.Advance(PasswordResetToken.Lifetime + TimeSpan.FromTicks(ticksFromExpiry));

        var reset = FluentActions.Awaiting(() => Reset(token));

        if (works)
            await reset.Should().NotThrowAsync();
        else
            await reset.Should().ThrowAsync<ValidationFailedException>();
        await _accounts.Received(works ? 1 : 0).ResetPasswordAsync(UserId, Arg.Any<string>(), Arg.Any<CancellationToken>());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("short")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task Reset_TokenThatCannotBeOurs_IsRefusedWithTheLinkMessage(string? token)
    {
        var refusal = await FluentActions.Awaiting(() => Reset(token)).Should().ThrowAsync<ValidationFailedException>();

        refusal.Which.Errors.Should().ContainKey("token").WhoseValue.Should().Equal(ResetPasswordHandler.InvalidLink);
        await _accounts.DidNotReceiveWithAnyArgs().ResetPasswordAsync(default, default!, default);
    }

    [Fact]
    public async Task Reset_WellFormedButUnknownToken_IsRefusedNamingTheToken()
    {
        var refusal = await FluentActions.Awaiting(() => Reset(ResetLinkToken.Create())).Should().ThrowAsync<ValidationFailedException>();

        refusal.Which.Errors.Should().ContainKey("token").WhoseValue.Should().Equal(ResetPasswordHandler.InvalidLink);
    }

    [Fact]
    public async Task Reset_VoidsTheAccountsOtherLinks_AndNoOneElses()
    {
        var other = Guid.CreateVersion7();
        await using (var db = _database.NewContext())
        {
            db.Users.Add(new ApplicationUser { Id = other, UserName = "other@example.com", Email = "other@example.com", FullName = "Other", CreatedAt = Now });
            db.PasswordResetTokens.Add(PasswordResetToken.Issue(other, ResetLinkToken.Hash("other-token"), Now));
            await db.SaveChangesAsync();
        }
        await Forgot("pat@example.com");

        await Reset(MailedToken());

        (await Tokens()).Should().ContainSingle(t => t.UserId == other).Which.UsedAt.Should().BeNull();
        (await Tokens()).Should().ContainSingle(t => t.UserId == UserId).Which.UsedAt.Should().Be(Now);
    }

    [Fact]
    public async Task Reset_LinkSpentByAnotherResetAfterTheRead_IsRefused_AndSetsNoPassword()
    {
        await Forgot("pat@example.com");
        var token = MailedToken();
        // The password check runs between the handler's read of the link and its spend: a second reset with the same
        // link finishes there, so this one's single-statement spend finds the link used and counts no row.
        _accounts.EnsureAcceptablePasswordAsync(UserId, "Correct-Horse-42", "newPassword", Arg.Any<CancellationToken>())
            .Returns(async _ =>
            {
                await using var other = _database.NewContext();
                await other.PasswordResetTokens.ExecuteUpdateAsync(set => set.SetProperty(t => t.UsedAt, Now));
            });

        var refusal = await FluentActions.Awaiting(() => Reset(token)).Should().ThrowAsync<ValidationFailedException>();

        refusal.Which.Errors.Should().ContainKey("token").WhoseValue.Should().Equal(ResetPasswordHandler.InvalidLink);
        await _accounts.DidNotReceiveWithAnyArgs().ResetPasswordAsync(default, default!, default);
    }

    [Fact]
    public async Task Reset_PasswordRefusedByTheRules_LeavesTheLinkUsable()
    {
        await Forgot("pat@example.com");
        var token = MailedToken();
        _accounts.EnsureAcceptablePasswordAsync(UserId, "weak", "newPassword", Arg.Any<CancellationToken>())
            .ThrowsAsync(new ValidationFailedException("newPassword", "too weak"));

        await FluentActions.Awaiting(() => Reset(token, "weak")).Should().ThrowAsync<ValidationFailedException>();

        (await Tokens()).Should().OnlyContain(t => t.UsedAt == null);
        await Reset(token);
        await _accounts.Received(1).ResetPasswordAsync(UserId, "Correct-Horse-42", Arg.Any<CancellationToken>());
    }

    [Theory]
    [InlineData("abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123-_9", true)]
    [InlineData("abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123-_", false)]
    [InlineData("abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123-_99", false)]
    [InlineData("abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123-+9", false)]
    [InlineData("abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123-/9", false)]
    [InlineData("abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123-é9", false)]
    public void ResetLinkToken_IsWellFormed_43Base64UrlCharacters(string token, bool wellFormed) =>
        ResetLinkToken.IsWellFormed(token).Should().Be(wellFormed);

    [Fact]
    public void ResetLinkToken_Create_Is43Base64UrlCharacters_FreshEachTime()
    {
        var first = ResetLinkToken.Create();

        first.Should().HaveLength(ResetLinkToken.Length);
        ResetLinkToken.IsWellFormed(first).Should().BeTrue();
        ResetLinkToken.Create().Should().NotBe(first);
        ResetLinkToken.Hash("abc").Should().Be("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    [Theory]
    [InlineData("pat@example.com")]
    [InlineData(null, "email is required.")]
    [InlineData("", "email is required.", "email must be an email address.")]
    [InlineData("pat.example.com", "email must be an email address.")]
    [InlineData("pat@exa\0mple.com", "email must be an email address.")]
    public void ForgotValidator_NeedsAnEmailAddress(string? email, params string[] messages) =>
        new ForgotPasswordValidator().Validate(new ForgotPassword(email)).Errors.Select(e => e.ErrorMessage).Should().Equal(messages);

    [Fact]
    public void ForgotValidator_EmailUpTo256Characters()
    {
        var at256 = new string('a', 244) + "@example.com";

        new ForgotPasswordValidator().Validate(new ForgotPassword(at256)).IsValid.Should().BeTrue();
        new ForgotPasswordValidator().Validate(new ForgotPassword("a" + at256)).Errors.Select(e => e.ErrorMessage)
            .Should().Equal("email must be at most 256 characters.");
    }

    [Theory]
    [InlineData("tok", "12345678", null)]
    [InlineData(null, "12345678", "token is required.")]
    [InlineData("tok", null, "newPassword is required.")]
    [InlineData("tok", "1234567", "newPassword must be at least 8 characters.")]
    public void ResetValidator_NeedsATokenAndAPasswordOfAtLeastEight(string? token, string? password, string? message) =>
        new ResetPasswordValidator().Validate(new ResetPassword(token, password)).Errors.Select(e => e.ErrorMessage)
            .Should().Equal(message is null ? [] : [message]);

    [Fact]
    public void ResetValidator_PasswordUpTo128Characters()
    {
        new ResetPasswordValidator().Validate(new ResetPassword("tok", new string('p', 128))).IsValid.Should().BeTrue();
        new ResetPasswordValidator().Validate(new ResetPassword("tok", new string('p', 129))).Errors.Select(e => e.ErrorMessage)
            .Should().Equal("newPassword must be at most 128 characters.");
    }

    [Theory]
    [InlineData("123456", null)]
    [InlineData(" 1234 5678 ", null)]
    [InlineData("ABCD-1234", null)]
    [InlineData(null, "code is required.")]
    [InlineData("", "code is required.")]
    [InlineData("12345!", "code must be the 6 digits your authenticator app shows, or a recovery code.")]
    [InlineData("12_456", "code must be the 6 digits your authenticator app shows, or a recovery code.")]
    public void TwoFactorCode_DigitsOrARecoveryCode(string? code, string? message) =>
        new DisableTwoFactorValidator().Validate(new DisableTwoFactor(code)).Errors.Select(e => e.ErrorMessage)
            .Should().Equal(message is null ? [] : [message]);

    [Fact]
    public void TwoFactorCode_UpTo32Characters()
    {
        new ConfirmTwoFactorSetupValidator().Validate(new ConfirmTwoFactorSetup(new string('1', 32))).IsValid.Should().BeTrue();
        new RegenerateRecoveryCodesValidator().Validate(new RegenerateRecoveryCodes(new string('1', 33))).Errors.Select(e => e.ErrorMessage)
            .Should().Equal("code must be at most 32 characters.");
    }

    [Fact]
    public async Task TwoFactorHandlers_PassTheTrimmedCodeForTheSignedInUser()
    {
        var twoFactor = Substitute.For<ITwoFactorAccounts>();
        twoFactor.ConfirmSetupAsync(UserId, "123456", Arg.Any<CancellationToken>()).Returns(["a-1"]);
        twoFactor.RegenerateRecoveryCodesAsync(UserId, "654321", Arg.Any<CancellationToken>()).Returns(["b-2"]);
        var caller = Callers.As(UserId, AccountType.Patient);

        var confirmed = await new ConfirmTwoFactorSetupHandler(caller, twoFactor).Handle(new ConfirmTwoFactorSetup(" 123456 "), CancellationToken.None);
        var regenerated = await new RegenerateRecoveryCodesHandler(caller, twoFactor).Handle(new RegenerateRecoveryCodes("654321 "), CancellationToken.None);
        await new DisableTwoFactorHandler(caller, twoFactor).Handle(new DisableTwoFactor(" 111111"), CancellationToken.None);

        confirmed.Codes.Should().Equal("a-1");
        regenerated.Codes.Should().Equal("b-2");
        await twoFactor.Received(1).DisableAsync(UserId, "111111", Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task TwoFactorHandlers_Anonymous_AreUnauthorized()
    {
        var twoFactor = Substitute.For<ITwoFactorAccounts>();

        await FluentActions.Awaiting(() => new DisableTwoFactorHandler(Callers.Anonymous(), twoFactor).Handle(new DisableTwoFactor("123456"), CancellationToken.None).AsTask())
            .Should().ThrowAsync<UnauthorizedException>();
        twoFactor.ReceivedCalls().Should().BeEmpty();
    }
}
