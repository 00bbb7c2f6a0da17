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

    private Task<AccessActor> Read(params string[] types) =>
        Access.EnsureAsync(PatientId, RecordAction.ReadProfile, SmartPermissions.Read, types, CancellationToken.None);

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

        await FluentActions.Awaiting(() => Read("Patient")).Should().ThrowAsync<UnauthorizedException>();
    }

    [Fact]
    public async Task DoctorWithPatientScope_ReachesTheLaunchPatientOnly()
    {
        var doctorId = Guid.NewGuid();
        _caller.IsAuthenticated.Returns(true);
        _caller.Scopes.Returns(SmartScope.ParseAll(["patient/*.rs"]));
        _caller.LaunchPatientId.Returns(PatientId);
        _caller.ClientNameAsync(Arg.Any<CancellationToken>()).Returns("Portal");
        _user.UserId.Returns(doctorId);
        _user.AccountType.Returns(AccountType.Doctor);
        _user.FullName.Returns("Dr. Lee");
        _records.EnsureAsync(Arg.Any<Guid>(), RecordAction.ReadProfile, Arg.Any<CancellationToken>()).Returns(ActorRole.Doctor);

        var actor = await Read("Patient", "Condition");
        var other = Access.EnsureAsync(Guid.NewGuid(), RecordAction.ReadProfile, SmartPermissions.Read, ["Patient"], CancellationToken.None);

        actor.Should().Be(new AccessActor(doctorId, "Dr. Lee via Portal", ActorRole.Doctor));
        await FluentActions.Awaiting(() => other).Should().ThrowAsync<NotFoundException>();
    }
}
