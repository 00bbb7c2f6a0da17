using MediVault.Application.Common.Abstractions;
using MediVault.Application.Common.Access;
using MediVault.Application.Common.Exceptions;
using MediVault.Application.Fhir;
using MediVault.Domain.Audit;
using MediVault.Domain.Identity;
using NSubstitute;

namespace MediVault.UnitTests.Application.Fhir;

/// <summary>
/// The gate's rules where the integration tests cannot mint the token: backend (client_credentials) tokens with system
/// scopes, and a patient/ token with a launch patient.
/// </summary>
public sealed class FhirAccessTests
{
    private static readonly Guid PatientId = Guid.NewGuid();
    private readonly ISmartCaller _caller = Substitute.For<ISmartCaller>();
    private readonly ICurrentUser _user = Substitute.For<ICurrentUser>();
    private readonly IRecordAccess _records = Substitute.For<IRecordAccess>();
    private readonly IPatientConsents _consents = Substitute.For<IPatientConsents>();

    private FhirAccess Access => new(_caller, _user, _records, _consents);

    private void Backend(params string[] scopes)
    {
        _caller.IsAuthenticated.Returns(true);
        _caller.IsFirstParty.Returns(false);
        _caller.ClientId.Returns("lab-system");
        _caller.Scopes.Returns(SmartScope.ParseAll(scopes));
        _caller.ClientNameAsync(Arg.Any<CancellationToken>()).Returns("City Lab");
        _user.UserId.Returns((Guid?)null);
    }

    /// <summary>A person's SMART token from the client "Portal".</summary>
    private void Person(Guid userId, AccountType accountType, string fullName, Guid? launchPatient, params string[] scopes)
    {
        _caller.IsAuthenticated.Returns(true);
        _caller.IsFirstParty.Returns(false);
        _caller.Scopes.Returns(SmartScope.ParseAll(scopes));
        _caller.LaunchPatientId.Returns(launchPatient);
        _caller.ClientNameAsync(Arg.Any<CancellationToken>()).Returns("Portal");
        _user.UserId.Returns(userId);
        _user.AccountType.Returns(accountType);
        _user.FullName.Returns(fullName);
    }

    private Task<AccessActor> Read(params string[] types) =>
        Access.EnsureAsync(PatientId, RecordAction.ReadProfile, SmartPermissions.Read, types, CancellationToken.None);

    private Task<AccessActor> Ensure(SmartPermissions permission, string type, Guid? patientId = null) =>
        Access.EnsureAsync(patientId ?? PatientId, RecordAction.ReadProfile, permission, [type], CancellationToken.None);

    [Fact]
    public async Task Backend_WithSystemScope_ReadsAPatientWhoAuthorizedIt_AsSystemActorNamedByTheClient()
    {
        Backend("system/Patient.rs");
        _consents.HasAuthorizedAsync(PatientId, "lab-system", Arg.Any<CancellationToken>()).Returns(true);

        var actor = await Read("Patient");

        actor.Should().Be(new AccessActor(null, "City Lab", ActorRole.System));
        await _records.DidNotReceiveWithAnyArgs().EnsureAsync(default, default, default);
    }

    [Fact]
    public async Task Backend_WithSystemScope_PatientWhoNeverAuthorizedIt_IsNotFound()
    {
        Backend("system/*.rs");
        _consents.HasAuthorizedAsync(PatientId, "lab-system", Arg.Any<CancellationToken>()).Returns(false);

        await FluentActions.Awaiting(() => Read("Patient")).Should().ThrowAsync<NotFoundException>();
    }

    [Theory]
    [InlineData("system/Condition.rs")]
    [InlineData("patient/*.rs")]
    [InlineData("user/*.rs")]
    [InlineData("medivault.api")]
    public async Task Backend_WithoutASystemScopeForTheType_IsForbidden_BeforeAnyPatientIsLookedUp(string scope)
    {
        Backend(scope);

        await FluentActions.Awaiting(() => Read("Patient")).Should().ThrowAsync<ForbiddenException>().WithMessage("*system/*");
        await _consents.DidNotReceiveWithAnyArgs().HasAuthorizedAsync(default, default!, default);
    }

    [Fact]
    public async Task Anonymous_IsUnauthorized()
    {
        _caller.IsAuthenticated.Returns(false);

        await FluentActions.Awaiting(() => Read("Patient")).Should().ThrowAsync<UnauthorizedException>()
            .WithMessage("A bearer token or a session is required.");
    }

    [Fact]
    public async Task DoctorWithPatientScope_ReachesTheLaunchPatientOnly()
    {
        var doctorId = Guid.NewGuid();
        Person(doctorId, AccountType.Doctor, "Dr. Lee", launchPatient: PatientId, "patient/*.rs");
        _records.EnsureAsync(Arg.Any<Guid>(), RecordAction.ReadProfile, Arg.Any<CancellationToken>()).Returns(ActorRole.Doctor);

        var actor = await Read("Patient", "Condition");
        var other = Access.EnsureAsync(Guid.NewGuid(), RecordAction.ReadProfile, SmartPermissions.Read, ["Patient"], CancellationToken.None);

        actor.Should().Be(new AccessActor(doctorId, "Dr. Lee via Portal", ActorRole.Doctor));
        await FluentActions.Awaiting(() => other).Should().ThrowAsync<NotFoundException>();
    }

    [Fact]
    public async Task Backend_WithoutAClientId_IsUnauthorized_BeforeAnyConsentIsLookedUp()
    {
        Backend("system/*.rs");
        _caller.ClientId.Returns((string?)null);

        await FluentActions.Awaiting(() => Read("Patient")).Should().ThrowAsync<UnauthorizedException>()
            .WithMessage("A bearer token or a session is required.");
        await _consents.DidNotReceiveWithAnyArgs().HasAuthorizedAsync(default, default!, default);
    }

    [Theory]
    [InlineData(SmartPermissions.Read, "reading")]
    [InlineData(SmartPermissions.Search, "searching")]
    public async Task Backend_WithoutASystemScope_IsToldWhichScopeIsMissing_AndThatOnlyConfigurationGrantsIt(SmartPermissions permission, string verb)
    {
        Backend("system/Condition.rs");

        await FluentActions.Awaiting(() => Ensure(permission, "Patient")).Should().ThrowAsync<ForbiddenException>().WithMessage(
            $"The token holds no system/ scope that allows {verb} Patient. A client is granted system scopes only by the server's configuration.");
    }

    [Theory]
    [InlineData(SmartPermissions.Read, "reading", "patient/Condition.rs")]
    [InlineData(SmartPermissions.Search, "searching", "user/Patient.r")]
    [InlineData(SmartPermissions.Read, "reading", "system/*.rs")]
    public async Task Person_WithoutAUserOrPatientScopeForTheType_IsForbidden_BeforeTheRecordsAreAsked(
        SmartPermissions permission, string verb, string scope)
    {
        Person(PatientId, AccountType.Patient, "Asha Verma", launchPatient: null, scope);

        await FluentActions.Awaiting(() => Ensure(permission, "Patient")).Should().ThrowAsync<ForbiddenException>()
            .WithMessage($"The token holds no user/ or patient/ scope that allows {verb} Patient.");
        await _records.DidNotReceiveWithAnyArgs().EnsureAsync(default, default, default);
    }

    [Fact]
    public async Task PatientWithPatientScope_NoLaunchPatient_ReachesTheirOwnRecords()
    {
        Person(PatientId, AccountType.Patient, "Asha Verma", launchPatient: null, "patient/*.rs");
        _records.EnsureAsync(PatientId, RecordAction.ReadProfile, Arg.Any<CancellationToken>()).Returns(ActorRole.Patient);

        var actor = await Read("Patient");

        actor.Should().Be(new AccessActor(PatientId, "Asha Verma via Portal", ActorRole.Patient));
    }

    [Fact]
    public async Task DoctorWithPatientScope_NoLaunchPatient_ReachesNoOne_NotEvenTheirOwnId()
    {
        var doctorId = Guid.NewGuid();
        Person(doctorId, AccountType.Doctor, "Dr. Lee", launchPatient: null, "patient/*.rs");

        await FluentActions.Awaiting(() => Ensure(SmartPermissions.Read, "Patient", doctorId)).Should().ThrowAsync<NotFoundException>();
        await _records.DidNotReceiveWithAnyArgs().EnsureAsync(default, default, default);
    }

    [Fact]
    public async Task DoctorWithUserScope_AlsoHoldingAPatientScopeForAnotherPatient_ReachesThePatientThroughTheUserScope()
    {
        var doctorId = Guid.NewGuid();
        Person(doctorId, AccountType.Doctor, "Dr. Lee", launchPatient: Guid.NewGuid(), "patient/*.rs", "user/Patient.rs");
        _records.EnsureAsync(PatientId, RecordAction.ReadProfile, Arg.Any<CancellationToken>()).Returns(ActorRole.Doctor);

        var actor = await Read("Patient");

        actor.Should().Be(new AccessActor(doctorId, "Dr. Lee via Portal", ActorRole.Doctor));
    }

    [Theory]
    [InlineData(200, 200)]
    [InlineData(201, 200)]
    public async Task Backend_ActorName_IsTheClientName_CutAtTwoHundredCharacters(int length, int kept)
    {
        var name = string.Concat(Enumerable.Range(0, length).Select(i => (char)('a' + (i % 26))));
        Backend("system/Patient.rs");
        _caller.ClientNameAsync(Arg.Any<CancellationToken>()).Returns(name);
        _consents.HasAuthorizedAsync(PatientId, "lab-system", Arg.Any<CancellationToken>()).Returns(true);

        var actor = await Read("Patient");

        actor.Name.Should().Be(name[..kept]);
    }
}
