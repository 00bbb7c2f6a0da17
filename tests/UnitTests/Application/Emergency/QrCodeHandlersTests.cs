using MediVault.Application.Common.Abstractions;
using MediVault.Application.Common.Access;
using MediVault.Application.Common.Exceptions;
using MediVault.Application.Emergency;
using MediVault.Application.Emergency.GenerateQrCode;
using MediVault.Application.Emergency.ListQrCodes;
using MediVault.Application.Emergency.RevokeQrCode;
using MediVault.Domain.Audit;
using MediVault.Domain.Emergency;
using MediVault.Domain.Identity;
using MediVault.Domain.Ledger;
using MediVault.UnitTests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;
using NSubstitute.ExceptionExtensions;

namespace MediVault.UnitTests.Application.Emergency;

/// <summary>Issuing, listing and revoking emergency codes against the real table; the ledger port saves the changes.</summary>
public sealed class QrCodeHandlersTests : IAsyncLifetime
{
    private static readonly DateTime Now = new(2026, 11, 24, 12, 0, 0, DateTimeKind.Utc);
    private static readonly Guid Patient = Guid.CreateVersion7();
    private static readonly Guid Stranger = Guid.CreateVersion7();

    private readonly IRecordAccess _access = Substitute.For<IRecordAccess>();
    private readonly IAccessLog _accessLog = Substitute.For<IAccessLog>();
    private readonly SavingLedger _ledger = new(Now);
    private readonly IEmergencyLinks _links = Substitute.For<IEmergencyLinks>();
    private readonly IQrCodeRenderer _renderer = Substitute.For<IQrCodeRenderer>();
    private readonly FakeTimeProvider _clock = new(Now);
    private SqliteTestDatabase _database = null!;

    public async Task InitializeAsync()
    {
        _database = await SqliteTestDatabase.CreateAsync();
        _access.EnsureAsync(Arg.Any<Guid>(), RecordAction.WriteProfile, Arg.Any<CancellationToken>()).Returns(ActorRole.Patient);
        _links.EmergencyPageUrl(Arg.Any<string>()).Returns(call => "https://vault.example/emergency/" + call.Arg<string>());
        _links.PathFreeEmergencyPageUrl(Arg.Any<string>()).Returns(call => "https://vault.example/emergency#t=" + call.Arg<string>());
        _renderer.Render(Arg.Any<string>()).Returns(new QrCodeImages([1, 2, 3], "<svg/>"));
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    private async Task<QrCodeCreated> Generate(GenerateQrCode command, Guid? caller = null)
    {
        await using var db = _database.NewContext();
        _ledger.Context = db;
        return await new GenerateQrCodeHandler(db, Callers.As(caller ?? Patient, AccountType.Patient), _access, _accessLog, _ledger.Port, _links, _renderer, _clock)
            .Handle(command, CancellationToken.None);
    }

    private async Task Revoke(Guid id, Guid? caller = null)
    {
        await using var db = _database.NewContext();
        _ledger.Context = db;
        await new RevokeQrCodeHandler(db, Callers.As(caller ?? Patient, AccountType.Patient), _access, _accessLog, _ledger.Port, _clock).Handle(new RevokeQrCode(id), CancellationToken.None);
    }

    private async Task<IReadOnlyList<QrCodeSummary>> List(Guid? caller = null)
    {
        await using var db = _database.NewContext();
        return await new ListQrCodesHandler(db, Callers.As(caller ?? Patient, AccountType.Patient), _access, _clock).Handle(new ListQrCodes(), CancellationToken.None);
    }

    [Fact]
    public async Task Generate_Defaults_IssuesADayLongCodeWhoseHashAloneIsStored()
    {
        var created = await Generate(new GenerateQrCode());

        created.ExpiresAt.Should().Be(Now.AddMinutes(QrAccessCode.DefaultLifetimeMinutes));
        created.AccessUrl.Should().Be("https://vault.example/emergency/" + created.Token);
        created.QrCodePng.Should().Be(Convert.ToBase64String([1, 2, 3]));
        created.QrCodeSvg.Should().Be("<svg/>");
        created.Label.Should().BeNull();
        created.MaxUses.Should().BeNull();
        created.QrCodeUrl.Should().Be("https://vault.example/emergency#t=" + created.Token);
        _renderer.Received(1).Render(created.QrCodeUrl);
        await using var db = _database.NewContext();
        var stored = await db.QrAccessCodes.AsNoTracking().SingleAsync();
        stored.TokenHash.Should().Be(QrToken.Hash(created.Token)).And.NotBe(created.Token);
        _ledger.Committed.Should().Equal(new LedgerEvent(LedgerBlockKind.QrGenerated, created.Id, Patient, stored.TokenHash));
        _accessLog.Received(1).Record(Patient, AccessAction.QrGenerated, ActorRole.Patient, ResourceTypes.QrCode, created.Id);
    }

    [Fact]
    public async Task Generate_WithOptions_TrimsTheLabelAndKeepsLifetimeAndUses()
    {
        var created = await Generate(new GenerateQrCode(ExpiresInMinutes: 5, Label: "  Wallet card  ", MaxUses: 3));

        created.Should().BeEquivalentTo(new { ExpiresAt = Now.AddMinutes(5), Label = "Wallet card", MaxUses = (int?)3 });
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task Generate_BlankLabel_IsNoLabel(string label) =>
        (await Generate(new GenerateQrCode(Label: label))).Label.Should().BeNull();

    [Fact]
    public async Task Generate_Refused_IssuesNothing()
    {
        _access.EnsureAsync(Stranger, RecordAction.WriteProfile, Arg.Any<CancellationToken>()).ThrowsAsync(new NotFoundException());

        var act = () => Generate(new GenerateQrCode(), Stranger);

        await act.Should().ThrowAsync<NotFoundException>();
        (await List()).Should().BeEmpty();
        _ledger.Committed.Should().BeEmpty();
    }

    [Fact]
    public async Task List_Refused_ShowsNothing()
    {
        await Generate(new GenerateQrCode());
        _access.EnsureAsync(Stranger, RecordAction.WriteProfile, Arg.Any<CancellationToken>()).ThrowsAsync(new NotFoundException());

        var act = () => List(Stranger);

        await act.Should().ThrowAsync<NotFoundException>();
        await _access.Received(1).EnsureAsync(Stranger, RecordAction.WriteProfile, Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task List_ShowsOwnCodesNewestFirstWithTheirStatus()
    {
        var expiring = await Generate(new GenerateQrCode(ExpiresInMinutes: 5, Label: "short"));
        _clock.Advance(TimeSpan.FromMinutes(1));
        var revoked = await Generate(new GenerateQrCode(Label: "revoked"));
        await Revoke(revoked.Id);
        _clock.Advance(TimeSpan.FromMinutes(1));
        await Generate(new GenerateQrCode(Label: "other"), Stranger);
        _clock.Advance(TimeSpan.FromMinutes(3));

        var codes = await List();

        codes.Select(c => (c.Label, c.Status)).Should().Equal(("revoked", QrCodeStatus.Revoked), ("short", QrCodeStatus.Expired));
        codes[1].Id.Should().Be(expiring.Id);
        codes[0].RevokedAt.Should().Be(Now.AddMinutes(1));
    }

    [Fact]
    public async Task List_CodesCreatedAtTheSameInstant_AreInDescendingIdOrder()
    {
        // The tie-break keeps the order stable between two reads; ids compare as their text in both databases.
        var ids = new List<Guid>();
        for (var i = 0; i < 6; i++)
            ids.Add((await Generate(new GenerateQrCode(Label: $"code {i}"))).Id);

        var codes = await List();

        codes.Select(c => c.Id).Should().Equal(ids.OrderByDescending(id => id.ToString("D"), StringComparer.Ordinal));
    }

    [Fact]
    public async Task Revoke_Twice_RevokesOnceAndAnchorsTheTokenHash()
    {
        var created = await Generate(new GenerateQrCode());

        await Revoke(created.Id);
        await Revoke(created.Id);

        _ledger.Committed.Select(e => e.Kind).Should().Equal(LedgerBlockKind.QrGenerated, LedgerBlockKind.QrRevoked);
        _ledger.Committed[1].PayloadHash.Should().Be(QrToken.Hash(created.Token));
        _accessLog.Received(1).Record(Patient, AccessAction.QrRevoked, ActorRole.Patient, ResourceTypes.QrCode, created.Id);
        (await List()).Single().Status.Should().Be(QrCodeStatus.Revoked);
    }

    [Fact]
    public async Task Revoke_AnotherPatientsCodeOrAnUnknownOne_IsNotFoundAndTheCodeStaysActive()
    {
        var created = await Generate(new GenerateQrCode());

        var foreign = () => Revoke(created.Id, Stranger);
        var unknown = () => Revoke(Guid.CreateVersion7());

        (await foreign.Should().ThrowAsync<NotFoundException>()).WithMessage("No such emergency code.");
        (await unknown.Should().ThrowAsync<NotFoundException>()).WithMessage("No such emergency code.");
        (await List()).Single().Status.Should().Be(QrCodeStatus.Active);
    }
}
