using System.Data.Common;
using MediVault.Application.Common.Abstractions;
using MediVault.Application.Common.Access;
using MediVault.Application.Common.Exceptions;
using MediVault.Application.Emergency;
using MediVault.Application.Emergency.AccessEmergencyProfile;
using MediVault.Domain.Emergency;
using MediVault.Domain.Identity;
using MediVault.Domain.Ledger;
using MediVault.Infrastructure.Emergency;
using MediVault.UnitTests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;

namespace MediVault.UnitTests.Application.Emergency;

/// <summary>
/// The use limit against the real table: the status read first, and the conditional UPDATE that claims a use. The
/// claim is what holds when two responders race for the last use, so one test takes the last use between the two.
/// </summary>
public sealed class AccessEmergencyProfileHandlerTests : IAsyncLifetime
{
    private static readonly DateTime Now = new(2026, 11, 24, 12, 0, 0, DateTimeKind.Utc);
    private static readonly Guid Patient = Guid.CreateVersion7();

    private readonly IAccessLog _accessLog = Substitute.For<IAccessLog>();
    private readonly SavingLedger _ledger = new(Now);
    private readonly IUserDirectory _users = Substitute.For<IUserDirectory>();
    private SqliteTestDatabase _database = null!;

    public async Task InitializeAsync()
    {
        _database = await SqliteTestDatabase.CreateAsync();
        var patient = new UserInfo(Patient, "p@example.com", "Pat Patient", AccountType.Patient, null, null, Now);
        _users.FindManyAsync(Arg.Is<IEnumerable<Guid>>(ids => ids.Contains(Patient)), Arg.Any<CancellationToken>())
            .Returns(new Dictionary<Guid, UserInfo> { [Patient] = patient });
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    private async Task<(string Token, Guid Id)> SaveCode(int? maxUses, int alreadyUsed = 0, DateTime? expiresAt = null, bool revoked = false)
    {
        var token = QrToken.Create();
        var code = QrAccessCode.Create(Patient, QrToken.Hash(token), null, Now.AddMinutes(-10), expiresAt ?? Now.AddHours(1), maxUses);
        if (revoked)
            code.Revoke(Now.AddMinutes(-5));
        await using var db = _database.NewContext();
        db.QrAccessCodes.Add(code);
        await db.SaveChangesAsync();
        await db.QrAccessCodes.Where(c => c.Id == code.Id).ExecuteUpdateAsync(set => set.SetProperty(c => c.UseCount, alreadyUsed));
        return (token, code.Id);
    }

    private async Task<EmergencyAccess> Access(string token, params IInterceptor[] interceptors)
    {
        await using var db = _database.NewContext(interceptors);
        _ledger.Context = db;
        var handler = new AccessEmergencyProfileHandler(db, new CompiledQrCodeLookup(db), new SqlQrCodeUses(db), _accessLog, _ledger.Port, _users, new FakeTimeProvider(Now));
        return await handler.Handle(new AccessEmergencyProfile(token), CancellationToken.None);
    }

    private async Task<int> UseCount(Guid id)
    {
        await using var db = _database.NewContext();
        return await db.QrAccessCodes.Where(c => c.Id == id).Select(c => c.UseCount).SingleAsync();
    }

    [Fact]
    public async Task Lookup_ContextsWithDifferentModels_EachFindTheCode()
    {
        // A compiled query refuses a model other than its first; the SQLite and PostgreSQL hosts of `migrate` and of the
        // integration tests run in one process.
        var (token, id) = await SaveCode(maxUses: null);
        await using var first = _database.NewContext();
        await using var second = _database.NewContextWithItsOwnModel();
        second.Model.Should().NotBeSameAs(first.Model);

        var inFirst = await new CompiledQrCodeLookup(first).FindByTokenHashAsync(QrToken.Hash(token), CancellationToken.None);
        var inSecond = await new CompiledQrCodeLookup(second).FindByTokenHashAsync(QrToken.Hash(token), CancellationToken.None);

        inFirst!.Code.Id.Should().Be(id);
        inSecond!.Code.Id.Should().Be(id);
        (await new CompiledQrCodeLookup(second).FindByTokenHashAsync(QrToken.Hash(QrToken.Create()), CancellationToken.None)).Should().BeNull();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public async Task Handle_UpToMaxUses_OpensTheProfileAndTheNextIsGone(int maxUses)
    {
        var (token, id) = await SaveCode(maxUses);

        for (var use = 1; use <= maxUses; use++)
            (await Access(token)).PatientName.Should().Be("Pat Patient");
        var oneMore = () => Access(token);

        (await oneMore.Should().ThrowAsync<GoneException>()).WithMessage("*used as many times*");
        (await UseCount(id)).Should().Be(maxUses);
        _ledger.Committed.Should().HaveCount(maxUses).And.OnlyContain(e => e.Kind == LedgerBlockKind.QrAccessed && e.ResourceId == id);
        await _accessLog.Received(1).RecordRefusedEmergencyAccessAsync(Patient, id, Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task Handle_LastUseTakenBetweenTheReadAndTheClaim_IsGoneAndCountsNothingMore()
    {
        // The first read sees one use left; a concurrent responder takes it just before this request's claim.
        var (token, id) = await SaveCode(maxUses: 2, alreadyUsed: 1);
        var race = new TakeTheLastUseBeforeTheClaim(id);

        var act = () => Access(token, race);

        (await act.Should().ThrowAsync<GoneException>()).WithMessage("*used as many times*");
        race.Fired.Should().BeTrue("the claim ran after the other use was counted");
        (await UseCount(id)).Should().Be(2, "the claim must not count a use past the limit");
        _ledger.Committed.Should().BeEmpty("no ledger entry is appended for a refused use");
        await _accessLog.Received(1).RecordRefusedEmergencyAccessAsync(Patient, id, Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task Handle_ActiveCode_AnswersWithTheProfileAndLogsTheAccess()
    {
        var (token, id) = await SaveCode(maxUses: 5);
        var profile = SampleProfiles.Full(Patient, Now);
        await using (var db = _database.NewContext())
        {
            db.EmergencyProfiles.Add(profile);
            await db.SaveChangesAsync();
        }

        var access = await Access(token);

        access.Should().BeEquivalentTo(new { PatientName = "Pat Patient", DateOfBirth = new DateOnly(1971, 5, 4), ExpiresAt = Now.AddHours(1), AccessedAt = Now });
        access.EmergencyProfile.Should().BeEquivalentTo(new
        {
            PatientId = Patient,
            FullName = "Pat Patient",
            BloodType = "O-",
            OrganDonor = true,
            EmergencyContacts = new[] { new { Name = "Ravi Verma", Relationship = "brother", Phone = "+91 98765 43210" } },
        });
        _accessLog.Received(1).RecordEmergencyAccess(Patient, id);
    }

    [Fact]
    public async Task Handle_PatientWithoutAProfile_AnswersWithTheNameOnlyAndLogsTheAccess()
    {
        var (token, id) = await SaveCode(maxUses: null);

        var access = await Access(token);

        access.PatientName.Should().Be("Pat Patient");
        access.EmergencyProfile.Should().BeNull();
        access.DateOfBirth.Should().BeNull();
        _accessLog.Received(1).RecordEmergencyAccess(Patient, id);
    }

    [Fact]
    public async Task Handle_NoUseLimit_KeepsCounting()
    {
        var (token, id) = await SaveCode(maxUses: null, alreadyUsed: 10_000);

        await Access(token);

        (await UseCount(id)).Should().Be(10_001);
    }

    /// <summary>A first responder is told why the code no longer works, and the patient's log shows the refused attempt.</summary>
    [Fact]
    public async Task Handle_ExpiredOrRevokedCode_IsGoneSayingWhy_AndTheRefusalIsLogged()
    {
        var (expired, expiredId) = await SaveCode(maxUses: null, expiresAt: Now.AddMinutes(-1));
        var (revoked, revokedId) = await SaveCode(maxUses: null, revoked: true);

        var afterExpiry = () => Access(expired);
        var afterRevocation = () => Access(revoked);

        (await afterExpiry.Should().ThrowAsync<GoneException>()).WithMessage("This emergency code has expired.");
        (await afterRevocation.Should().ThrowAsync<GoneException>()).WithMessage("This emergency code has been revoked by the patient.");
        await _accessLog.Received(1).RecordRefusedEmergencyAccessAsync(Patient, expiredId, Arg.Any<CancellationToken>());
        await _accessLog.Received(1).RecordRefusedEmergencyAccessAsync(Patient, revokedId, Arg.Any<CancellationToken>());
        _ledger.Committed.Should().BeEmpty();
    }

    [Fact]
    public async Task Handle_UnknownOrMalformedToken_IsNotFound()
    {
        await SaveCode(maxUses: 1);

        var unknown = () => Access(QrToken.Create());
        var malformed = () => Access("not a token");

        await unknown.Should().ThrowAsync<NotFoundException>();
        await malformed.Should().ThrowAsync<NotFoundException>();
        await _accessLog.DidNotReceiveWithAnyArgs().RecordRefusedEmergencyAccessAsync(default, default, default);
    }

    /// <summary>Just before the UPDATE that claims a use, counts one more use of the code on the same connection.</summary>
    private sealed class TakeTheLastUseBeforeTheClaim(Guid codeId) : DbCommandInterceptor
    {
        public bool Fired { get; private set; }

        public override async ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            if (!Fired && command.CommandText.Contains("UPDATE \"QrAccessCodes\"", StringComparison.Ordinal))
            {
                Fired = true;
                await using var other = command.Connection!.CreateCommand();
                other.Transaction = command.Transaction;
                other.CommandText = "UPDATE \"QrAccessCodes\" SET \"UseCount\" = \"UseCount\" + 1 WHERE \"Id\" = $id";
                var id = other.CreateParameter();
                id.ParameterName = "$id";
                id.Value = codeId.ToString().ToUpperInvariant();
                other.Parameters.Add(id);
                (await other.ExecuteNonQueryAsync(cancellationToken)).Should().Be(1);
            }
            return result;
        }
    }
}
