using MediVault.Application.Common.Abstractions;
using MediVault.Application.Common.Access;
using MediVault.Application.Common.Exceptions;
using MediVault.Application.Emergency;
using MediVault.Application.Emergency.GetEmergencyProfile;
using MediVault.Application.Emergency.UpsertEmergencyProfile;
using MediVault.Domain.Audit;
using MediVault.Domain.Emergency;
using MediVault.Domain.Identity;
using MediVault.Domain.Ledger;
using MediVault.Infrastructure.Emergency;
using MediVault.UnitTests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;
using NSubstitute.ExceptionExtensions;

namespace MediVault.UnitTests.Application.Emergency;

/// <summary>Saving and reading the emergency profile against the real (sealed) table; access, log and ledger are ports.</summary>
public sealed class EmergencyProfileHandlersTests : IAsyncLifetime
{
    private static readonly DateTime Now = new(2026, 11, 24, 12, 0, 0, DateTimeKind.Utc);
    private static readonly Guid Patient = Guid.CreateVersion7();
    private static readonly Guid Stranger = Guid.CreateVersion7();

    private readonly IRecordAccess _access = Substitute.For<IRecordAccess>();
    private readonly AccessLogPort _accessLog = new(Callers.As(Guid.CreateVersion7(), AccountType.Doctor), new FakeTimeProvider(Now));
    private readonly IUserDirectory _users = Substitute.For<IUserDirectory>();
    private readonly SavingLedger _ledger = new(Now);
    private readonly FakeTimeProvider _clock = new(Now);
    private SqliteTestDatabase _database = null!;

    public async Task InitializeAsync()
    {
        _database = await SqliteTestDatabase.CreateAsync();
        _access.EnsureAsync(Patient, Arg.Any<RecordAction>(), Arg.Any<CancellationToken>()).Returns(ActorRole.Patient);
        _access.EnsureAsync(Stranger, Arg.Any<RecordAction>(), Arg.Any<CancellationToken>()).ThrowsAsync(new NotFoundException());
        _users.FindByIdAsync(Patient, Arg.Any<CancellationToken>())
            .Returns(new UserInfo(Patient, "p@example.com", "Pat Patient", AccountType.Patient, null, null, Now));
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    private static UpsertEmergencyProfile Full(Guid? patient = null) => new(
        patient ?? Patient, "1990-04-02", "O+",
        [new AllergyInput(" Penicillin ", " Anaphylaxis ", "severe"), new AllergyInput("Dust", "  ", "mild")],
        [new ConditionInput(" Asthma ", " Since childhood "), new ConditionInput("Hypertension")],
        [new MedicationInput(" Salbutamol ", " 100 mcg ", " as needed "), new MedicationInput("Amlodipine", "", null)],
        [new EmergencyContactInput(" Ravi Verma ", " brother ", " +91 98765 43210 ")],
        OrganDonor: true, "  Carries an inhaler.  ");

    private async Task<EmergencyProfileDto> Save(UpsertEmergencyProfile command)
    {
        await using var db = _database.NewContext();
        _ledger.Context = db;
        return await new UpsertEmergencyProfileHandler(db, _access, _accessLog.For(db), _ledger.Port, _users, _clock)
            .Handle(command, CancellationToken.None);
    }

    private async Task<EmergencyProfileDto> Read(Guid? patient = null)
    {
        await using var db = _database.NewContext();
        return await new GetEmergencyProfileHandler(db, new CompiledEmergencyProfileLookup(db), _access, _accessLog.For(db), _users)
            .Handle(new GetEmergencyProfile(patient ?? Patient), CancellationToken.None);
    }

    private async Task<int> StoredProfiles()
    {
        await using var db = _database.NewContext();
        return await db.EmergencyProfiles.CountAsync();
    }

    [Fact]
    public async Task Save_Full_TrimsEveryTextBlankOptionalsAreNoneAndAnchorsTheContentHash()
    {
        var saved = await Save(Full());

        saved.Should().BeEquivalentTo(new EmergencyProfileDto(
            Patient, "Pat Patient", new DateOnly(1990, 4, 2), "O+",
            [new AllergyDto("Penicillin", "Anaphylaxis", AllergySeverity.Severe), new AllergyDto("Dust", null, AllergySeverity.Mild)],
            [new ConditionDto("Asthma", "Since childhood"), new ConditionDto("Hypertension", null)],
            [new MedicationDto("Salbutamol", "100 mcg", "as needed"), new MedicationDto("Amlodipine", null, null)],
            [new EmergencyContactDto("Ravi Verma", "brother", "+91 98765 43210")],
            OrganDonor: true, "Carries an inhaler.", Now), o => o.WithStrictOrdering());
        await using var db = _database.NewContext();
        var stored = await db.EmergencyProfiles.AsNoTracking().SingleAsync();
        _ledger.Committed.Should().Equal(new LedgerEvent(LedgerBlockKind.ProfileUpdated, Patient, Patient, stored.ContentHash()));
        await _access.Received(1).EnsureAsync(Patient, RecordAction.WriteProfile, Arg.Any<CancellationToken>());
        _accessLog.Substitute.Received(1).Record(Patient, AccessAction.ProfileUpdated, ActorRole.Patient, ResourceTypes.EmergencyProfile, Patient);
    }

    [Fact]
    public async Task Save_Empty_IsAnEmptyProfileWithAnUnknownBloodType()
    {
        var saved = await Save(new UpsertEmergencyProfile(Patient, null, null, null, null, null, null, false, "   "));

        saved.Should().BeEquivalentTo(new
        {
            DateOfBirth = (DateOnly?)null,
            BloodType = "unknown",
            Allergies = Array.Empty<AllergyDto>(),
            Conditions = Array.Empty<ConditionDto>(),
            Medications = Array.Empty<MedicationDto>(),
            EmergencyContacts = Array.Empty<EmergencyContactDto>(),
            OrganDonor = false,
            MedicalNotes = (string?)null,
        });
    }

    [Fact]
    public async Task Save_Again_ReplacesTheWholeProfileInPlace()
    {
        await Save(Full());
        _clock.Advance(TimeSpan.FromHours(1));

        var second = await Save(new UpsertEmergencyProfile(Patient, null, "A-", [new AllergyInput("Latex", null, "moderate")], null, null, null, false, null));

        second.Should().BeEquivalentTo(new
        {
            DateOfBirth = (DateOnly?)null,
            BloodType = "A-",
            Conditions = Array.Empty<ConditionDto>(),
            OrganDonor = false,
            MedicalNotes = (string?)null,
            UpdatedAt = Now.AddHours(1),
        });
        second.Allergies.Should().Equal(new AllergyDto("Latex", null, AllergySeverity.Moderate));
        (await StoredProfiles()).Should().Be(1);
        (await Read()).Should().BeEquivalentTo(second);
        _ledger.Committed.Should().HaveCount(2).And.OnlyContain(e => e.Kind == LedgerBlockKind.ProfileUpdated);
    }

    [Theory]
    [InlineData("02/04/1990", null, null, "dateOfBirth", "dateOfBirth must be a date (YYYY-MM-DD).")]
    [InlineData(null, "Z+", null, "bloodType", "bloodType is not a known blood type.")]
    [InlineData(null, null, "deadly", "severity", "severity is not a known severity.")]
    public async Task Save_WhatTheValidatorRefuses_FailsLoudlyAndSavesNothing(string? date, string? blood, string? severity, string field, string message)
    {
        var command = new UpsertEmergencyProfile(Patient, date, blood, [new AllergyInput("Latex", null, severity ?? "mild")], null, null, null, false, null);

        var act = () => Save(command);

        (await act.Should().ThrowAsync<ValidationFailedException>()).Which.Errors[field].Should().Equal(message);
        (await StoredProfiles()).Should().Be(0);
        _ledger.Committed.Should().BeEmpty();
    }

    [Fact]
    public async Task Save_Refused_SavesNothing()
    {
        var act = () => Save(Full(Stranger));

        await act.Should().ThrowAsync<NotFoundException>();
        (await StoredProfiles()).Should().Be(0);
        _accessLog.Substitute.ReceivedCalls().Should().BeEmpty();
    }

    [Fact]
    public async Task Save_PatientAccountGone_IsNotFound()
    {
        _users.FindByIdAsync(Patient, Arg.Any<CancellationToken>()).Returns((UserInfo?)null);

        var act = () => Save(Full());

        await act.Should().ThrowAsync<NotFoundException>();
        (await StoredProfiles()).Should().Be(0);
    }

    [Fact]
    public async Task Read_AsThePatient_IsTheSavedProfileAndLogsNothing()
    {
        var saved = await Save(Full());
        _accessLog.Substitute.ClearReceivedCalls();

        var read = await Read();

        read.Should().BeEquivalentTo(saved, o => o.WithStrictOrdering());
        await _access.Received(1).EnsureAsync(Patient, RecordAction.ReadProfile, Arg.Any<CancellationToken>());
        _accessLog.Substitute.ReceivedCalls().Should().BeEmpty();
    }

    [Fact]
    public async Task Read_AsADoctor_LogsTheView()
    {
        await Save(Full());
        _access.EnsureAsync(Patient, RecordAction.ReadProfile, Arg.Any<CancellationToken>()).Returns(ActorRole.Doctor);

        (await Read()).FullName.Should().Be("Pat Patient");

        _accessLog.Substitute.Received(1).Record(Patient, AccessAction.ProfileViewed, ActorRole.Doctor, ResourceTypes.EmergencyProfile, Patient);
    }

    [Fact]
    public async Task Read_AsADoctor_SavesTheViewInThePatientsLog()
    {
        await Save(Full());
        _access.EnsureAsync(Patient, RecordAction.ReadProfile, Arg.Any<CancellationToken>()).Returns(ActorRole.Doctor);
        _accessLog.UseReal();

        await Read();

        await using var check = _database.NewContext();
        (await check.AccessLogEntries.CountAsync(e => e.PatientId == Patient && e.Action == AccessAction.ProfileViewed)).Should().Be(1);
    }

    [Fact]
    public async Task Read_NothingSavedYet_IsNotFoundSayingSo()
    {
        var act = () => Read();

        (await act.Should().ThrowAsync<NotFoundException>()).Which.Message.Should().Contain("No emergency profile");
    }

    [Fact]
    public async Task Read_PatientAccountGone_IsNotFound()
    {
        await Save(Full());
        _users.FindByIdAsync(Patient, Arg.Any<CancellationToken>()).Returns((UserInfo?)null);

        var act = () => Read();

        await act.Should().ThrowAsync<NotFoundException>();
    }

    [Fact]
    public async Task Read_Refused_IsNotFound()
    {
        var act = () => Read(Stranger);

        await act.Should().ThrowAsync<NotFoundException>();
        await _users.DidNotReceiveWithAnyArgs().FindByIdAsync(default, default);
    }
}
