using MediVault.Application.Common.Abstractions;
using MediVault.Application.Common.Access;
using MediVault.Domain.Audit;
using MediVault.Domain.Identity;
using MediVault.UnitTests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;

namespace MediVault.UnitTests.Application.Audit;

/// <summary>What a log entry says about who did what: the caller, their role, and whether it was allowed.</summary>
public sealed class AccessLogTests : IAsyncLifetime
{
    private static readonly DateTime Now = new(2026, 11, 24, 12, 0, 0, DateTimeKind.Utc);
    private static readonly Guid Patient = Guid.CreateVersion7();
    private static readonly Guid Caller = Guid.CreateVersion7();
    private SqliteTestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await SqliteTestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _database.DisposeAsync();

    private static ICurrentUser CurrentUser(AccountType type)
    {
        var current = Substitute.For<ICurrentUser>();
        current.UserId.Returns(Caller);
        current.AccountType.Returns(type);
        current.FullName.Returns("Dr. Dana");
        current.IpAddress.Returns("10.0.0.7");
        current.UserAgent.Returns("Firefox");
        return current;
    }

    private async Task<AccessLogEntry> OnlyEntry()
    {
        await using var db = _database.NewContext();
        return await db.AccessLogEntries.AsNoTracking().SingleAsync();
    }

    [Fact]
    public async Task Record_IsSavedWithTheCallerAsSuccess_OnlyWhenTheCallerSaves()
    {
        await using (var db = _database.NewContext())
        {
            new AccessLog(db, CurrentUser(AccountType.Doctor), new FakeTimeProvider(Now))
                .Record(Patient, AccessAction.FileDownloaded, ActorRole.Doctor, "file", Patient);
            (await db.AccessLogEntries.AsNoTracking().CountAsync()).Should().Be(0, "recording is part of the caller's unit of work");
            await db.SaveChangesAsync();
        }

        (await OnlyEntry()).Should().BeEquivalentTo(new
        {
            PatientId = Patient,
            Timestamp = Now,
            Action = AccessAction.FileDownloaded,
            ActorId = (Guid?)Caller,
            ActorName = "Dr. Dana",
            ActorRole = ActorRole.Doctor,
            ResourceType = "file",
            ResourceId = (Guid?)Patient,
            IpAddress = "10.0.0.7",
            UserAgent = "Firefox",
            Outcome = AccessOutcome.Success,
        });
    }

    [Theory]
    [InlineData(AccountType.Doctor, ActorRole.Doctor)]
    [InlineData(AccountType.Patient, ActorRole.Patient)]
    public async Task RecordDenied_IsSavedAtOnceAsDeniedWithTheCallersRole(AccountType type, ActorRole role)
    {
        await using (var db = _database.NewContext())
            await new AccessLog(db, CurrentUser(type), new FakeTimeProvider(Now))
                .RecordDeniedAsync(Patient, AccessAction.ProfileViewed, "emergency-profile", null, CancellationToken.None);

        (await OnlyEntry()).Should().BeEquivalentTo(new
        {
            PatientId = Patient,
            Action = AccessAction.ProfileViewed,
            ActorId = (Guid?)Caller,
            ActorRole = role,
            ResourceType = "emergency-profile",
            ResourceId = (Guid?)null,
            Outcome = AccessOutcome.Denied,
        });
    }

    [Fact]
    public async Task EmergencyAccess_IsAnonymousResponderWithTheCode_SuccessOnSave_DeniedAtOnce()
    {
        var code = Guid.CreateVersion7();
        await using (var db = _database.NewContext())
        {
            var log = new AccessLog(db, CurrentUser(AccountType.Doctor), new FakeTimeProvider(Now));
            log.RecordEmergencyAccess(Patient, code);
            await db.SaveChangesAsync();
        }
        await using (var db = _database.NewContext())
            await new AccessLog(db, CurrentUser(AccountType.Doctor), new FakeTimeProvider(Now))
                .RecordRefusedEmergencyAccessAsync(Patient, code, CancellationToken.None);

        await using var read = _database.NewContext();
        var entries = await read.AccessLogEntries.AsNoTracking().ToListAsync();
        entries.Select(e => e.Outcome).Should().BeEquivalentTo([AccessOutcome.Success, AccessOutcome.Denied]);
        entries.Should().AllSatisfy(e => e.Should().BeEquivalentTo(new
        {
            PatientId = Patient,
            Action = AccessAction.QrAccessed,
            ActorId = (Guid?)null,
            ActorName = "Emergency responder",
            ActorRole = ActorRole.Emergency,
            ResourceType = "qr-code",
            ResourceId = (Guid?)code,
            IpAddress = "10.0.0.7",
        }));
    }
}
