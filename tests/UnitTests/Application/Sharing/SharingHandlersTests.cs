using MediVault.Application.Common.Abstractions;
using MediVault.Application.Common.Access;
using MediVault.Application.Common.Exceptions;
using MediVault.Application.Sharing;
using MediVault.Application.Sharing.GrantAccess;
using MediVault.Application.Sharing.ListGrants;
using MediVault.Application.Sharing.ListMyPatients;
using MediVault.Application.Sharing.RevokeGrant;
using MediVault.Domain.Audit;
using MediVault.Domain.Identity;
using MediVault.Domain.Ledger;
using MediVault.Domain.Sharing;
using MediVault.UnitTests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;

namespace MediVault.UnitTests.Application.Sharing;

/// <summary>Granting, revoking and listing against the real grant table; the ledger is a port that saves the changes.</summary>
public sealed class SharingHandlersTests : IAsyncLifetime
{
    private static readonly DateTime Now = new(2026, 11, 24, 12, 0, 0, DateTimeKind.Utc);
    private static readonly UserInfo Patient = new(Guid.CreateVersion7(), "p@example.com", "Pat Patient", AccountType.Patient, null, null, Now);
    private static readonly UserInfo Doctor = new(Guid.CreateVersion7(), "d@example.com", "Dr. Dana", AccountType.Doctor, "LIC-1", "GP", Now);
    private static readonly UserInfo OtherPatient = new(Guid.CreateVersion7(), "o@example.com", "Otto Other", AccountType.Patient, null, null, Now);
    private static readonly UserInfo[] Everyone = [Patient, Doctor, OtherPatient];

    private readonly IUserDirectory _users = Substitute.For<IUserDirectory>();
    private readonly IAccessLog _accessLog = Substitute.For<IAccessLog>();
    private readonly SavingLedger _ledger = new(Now);
    private SqliteTestDatabase _database = null!;

    public async Task InitializeAsync()
    {
        _database = await SqliteTestDatabase.CreateAsync();
        foreach (var user in Everyone)
        {
            _users.FindByIdAsync(user.Id, Arg.Any<CancellationToken>()).Returns(user);
            _users.FindByEmailAsync(user.Email, Arg.Any<CancellationToken>()).Returns(user);
        }
        _users.FindManyAsync(Arg.Any<IEnumerable<Guid>>(), Arg.Any<CancellationToken>()).Returns(call =>
            (IReadOnlyDictionary<Guid, UserInfo>)Everyone.Where(u => call.Arg<IEnumerable<Guid>>().Contains(u.Id)).ToDictionary(u => u.Id));
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    private async Task<GrantAccessResult> Grant(UserInfo caller, string doctorEmail, DateTime? expiresAt = null, DateTime? at = null)
    {
        await using var db = _database.NewContext();
        _ledger.Context = db;
        return await new GrantAccessHandler(db, Callers.As(caller), _users, _ledger.Port, _accessLog, new FakeTimeProvider(at ?? Now))
            .Handle(new GrantAccess(doctorEmail, expiresAt), CancellationToken.None);
    }

    private async Task Revoke(UserInfo caller, Guid grantId)
    {
        await using var db = _database.NewContext();
        _ledger.Context = db;
        await new RevokeGrantHandler(db, Callers.As(caller), _ledger.Port, _accessLog, new FakeTimeProvider(Now.AddHours(1)))
            .Handle(new RevokeGrant(grantId), CancellationToken.None);
    }

    private async Task<IReadOnlyList<DoctorPatient>> Patients(UserInfo caller, DateTime at)
    {
        await using var db = _database.NewContext();
        return await new ListMyPatientsHandler(db, Callers.As(caller), _users, new FakeTimeProvider(at)).Handle(new ListMyPatients(), CancellationToken.None);
    }

    private async Task<MediVault.Application.Common.Paging.Paged<GrantDto>> ListGrants(UserInfo caller, int page = 1, int pageSize = 20)
    {
        await using var db = _database.NewContext();
        return await new ListGrantsHandler(db, Callers.As(caller), _users, new FakeTimeProvider(Now.AddHours(2)))
            .Handle(new ListGrants(page, pageSize), CancellationToken.None);
    }

    private async Task<List<AccessGrant>> Grants()
    {
        await using var db = _database.NewContext();
        return await db.AccessGrants.AsNoTracking().ToListAsync();
    }

    [Fact]
    public async Task Grant_ToADoctor_StoresAnActiveGrantLogsItAndAnchorsItsPayload()
    {
        var result = await Grant(Patient, Doctor.Email, Now.AddDays(30));

        result.Created.Should().BeTrue();
        result.Grant.Should().BeEquivalentTo(new
        {
            PatientId = Patient.Id,
            PatientName = "Pat Patient",
            DoctorId = Doctor.Id,
            DoctorName = "Dr. Dana",
            DoctorEmail = Doctor.Email,
            GrantedAt = Now,
            ExpiresAt = (DateTime?)Now.AddDays(30),
            RevokedAt = (DateTime?)null,
            Active = true,
        });
        var stored = (await Grants()).Should().ContainSingle().Subject;
        _ledger.Committed.Should().Equal(new LedgerEvent(LedgerBlockKind.AccessGranted, stored.Id, Patient.Id, stored.PayloadHash()));
        _accessLog.Received(1).Record(Patient.Id, AccessAction.AccessGranted, ActorRole.Patient, "access-grant", stored.Id);
    }

    [Fact]
    public async Task Grant_Again_MovesTheEndOfTheActiveGrantInsteadOfAddingOne()
    {
        var first = await Grant(Patient, Doctor.Email, Now.AddDays(1));

        var second = await Grant(Patient, Doctor.Email, Now.AddDays(7), at: Now.AddHours(1));

        second.Created.Should().BeFalse();
        second.Grant.Id.Should().Be(first.Grant.Id);
        (await Grants()).Should().ContainSingle().Which.ExpiresAt.Should().Be(Now.AddDays(7));
        _ledger.Committed.Should().HaveCount(2);
    }

    [Fact]
    public async Task Grant_AtTheEndOfTheLastGrant_AddsANewOne()
    {
        await Grant(Patient, Doctor.Email, Now.AddHours(1));

        var again = await Grant(Patient, Doctor.Email, null, at: Now.AddHours(1));

        again.Created.Should().BeTrue();
        (await Grants()).Should().HaveCount(2);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public async Task Grant_EndingNowOrBefore_NamesExpiresAt(int seconds)
    {
        var act = () => Grant(Patient, Doctor.Email, Now.AddSeconds(seconds));

        (await act.Should().ThrowAsync<ValidationFailedException>()).Which.Errors["expiresAt"].Should().Equal("expiresAt must be in the future.");
        (await Grants()).Should().BeEmpty();
    }

    [Fact]
    public async Task Grant_EndingOneSecondFromNow_IsAccepted() =>
        (await Grant(Patient, Doctor.Email, Now.AddSeconds(1))).Grant.Active.Should().BeTrue();

    [Fact]
    public async Task Grant_ToAPatientOrNobody_NamesDoctorEmailTheSameWay()
    {
        var toPatient = () => Grant(Patient, OtherPatient.Email);
        var toNobody = () => Grant(Patient, "nobody@example.com");

        var first = (await toPatient.Should().ThrowAsync<ValidationFailedException>()).Which.Errors["doctorEmail"];
        var second = (await toNobody.Should().ThrowAsync<ValidationFailedException>()).Which.Errors["doctorEmail"];
        first.Should().Equal(second).And.Equal("No doctor account has this email.");
        (await Grants()).Should().BeEmpty();
    }

    [Fact]
    public async Task Grant_ByADoctor_IsForbidden()
    {
        var act = () => Grant(Doctor, Doctor.Email);

        await act.Should().ThrowAsync<ForbiddenException>().WithMessage("Only patients grant access to their records.");
    }

    [Fact]
    public async Task Revoke_OwnGrant_EndsItOnceAndAnchorsTheRevocation()
    {
        var grant = (await Grant(Patient, Doctor.Email)).Grant;

        await Revoke(Patient, grant.Id);
        await Revoke(Patient, grant.Id);

        var stored = (await Grants()).Single();
        stored.RevokedAt.Should().Be(Now.AddHours(1));
        _ledger.Committed.Select(e => e.Kind).Should().Equal(LedgerBlockKind.AccessGranted, LedgerBlockKind.AccessRevoked);
        _ledger.Committed[1].PayloadHash.Should().Be(stored.PayloadHash());
        _accessLog.Received(1).Record(Patient.Id, AccessAction.AccessRevoked, ActorRole.Patient, "access-grant", grant.Id);
    }

    [Fact]
    public async Task Revoke_AnotherPatientsGrantOrAnUnknownOne_IsNotFoundAndChangesNothing()
    {
        var grant = (await Grant(Patient, Doctor.Email)).Grant;

        var foreign = () => Revoke(OtherPatient, grant.Id);
        var unknown = () => Revoke(Patient, Guid.CreateVersion7());

        await foreign.Should().ThrowAsync<NotFoundException>();
        await unknown.Should().ThrowAsync<NotFoundException>();
        (await Grants()).Single().RevokedAt.Should().BeNull();
    }

    [Fact]
    public async Task Revoke_ByTheDoctor_IsForbidden()
    {
        var grant = (await Grant(Patient, Doctor.Email)).Grant;

        var act = () => Revoke(Doctor, grant.Id);

        await act.Should().ThrowAsync<ForbiddenException>().WithMessage("Only patients revoke access to their records.");
        (await Grants()).Single().RevokedAt.Should().BeNull();
    }

    [Fact]
    public async Task MyPatients_ListsActiveGrantsOnly_UntilTheirEnd()
    {
        await Grant(Patient, Doctor.Email, Now.AddHours(2));
        var revoked = (await Grant(OtherPatient, Doctor.Email)).Grant;
        await Revoke(OtherPatient, revoked.Id);

        (await Patients(Doctor, Now.AddHours(2).AddTicks(-10))).Should().ContainSingle()
            .Which.Should().Be(new DoctorPatient(Patient.Id, "Pat Patient", Patient.Email, Now, Now.AddHours(2)));
        (await Patients(Doctor, Now.AddHours(2))).Should().BeEmpty("a grant ends at its end date");
    }

    [Fact]
    public async Task MyPatients_SortedByName_OnePerPatient()
    {
        await Grant(Patient, Doctor.Email);
        await Grant(OtherPatient, Doctor.Email);

        var patients = await Patients(Doctor, Now);

        patients.Select(p => p.FullName).Should().Equal("Otto Other", "Pat Patient");
    }

    [Fact]
    public async Task MyPatients_ForAPatient_IsForbidden()
    {
        var act = () => Patients(Patient, Now);

        await act.Should().ThrowAsync<ForbiddenException>().WithMessage("Only doctors have patients here.");
    }

    [Fact]
    public async Task ListGrants_ForThePatient_OwnGrantsNewestFirstWithBothNamesAndTheStateAtNow()
    {
        var ended = (await Grant(Patient, Doctor.Email, Now.AddHours(2))).Grant;
        await Revoke(Patient, ended.Id);
        var open = (await Grant(Patient, Doctor.Email, null, at: Now.AddHours(1).AddMinutes(1))).Grant;
        await Grant(OtherPatient, Doctor.Email);

        var page = await ListGrants(Patient);

        page.TotalCount.Should().Be(2);
        page.Items.Select(g => g.Id).Should().Equal(open.Id, ended.Id);
        page.Items[0].Should().BeEquivalentTo(new
        {
            PatientName = "Pat Patient",
            DoctorName = "Dr. Dana",
            DoctorEmail = Doctor.Email,
            Active = true,
            RevokedAt = (DateTime?)null,
        });
        page.Items[1].Should().BeEquivalentTo(new { Active = false, RevokedAt = (DateTime?)Now.AddHours(1) });
    }

    [Fact]
    public async Task ListGrants_ForTheDoctor_TheGrantsReceived_Paged()
    {
        await Grant(Patient, Doctor.Email);
        await Grant(OtherPatient, Doctor.Email, at: Now.AddMinutes(1));

        var first = await ListGrants(Doctor, pageSize: 1);
        var second = await ListGrants(Doctor, page: 2, pageSize: 1);

        first.Items.Select(g => g.PatientName).Should().Equal("Otto Other");
        second.Items.Select(g => g.PatientName).Should().Equal("Pat Patient");
        second.Should().BeEquivalentTo(new { Page = 2, PageSize = 1, TotalCount = 2 });
        (await ListGrants(OtherPatient)).Items.Should().ContainSingle().Which.PatientId.Should().Be(OtherPatient.Id);
    }

    [Fact]
    public async Task ListGrants_SomeoneNoLongerInTheDirectory_IsListedWithoutAName()
    {
        await Grant(Patient, Doctor.Email);
        _users.FindManyAsync(Arg.Any<IEnumerable<Guid>>(), Arg.Any<CancellationToken>())
            .Returns((IReadOnlyDictionary<Guid, UserInfo>)new Dictionary<Guid, UserInfo>());

        var grant = (await ListGrants(Patient)).Items.Single();

        grant.Should().BeEquivalentTo(new { PatientName = "", DoctorName = "", DoctorEmail = "" });
    }
}
