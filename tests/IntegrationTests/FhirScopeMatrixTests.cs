using System.Net;
using MediVault.Application.Common.Access;
using MediVault.IntegrationTests.Infrastructure;

namespace MediVault.IntegrationTests;

/// <summary>
/// Each SMART scope × each resource type × each kind of caller: the patient, a doctor with a grant, a doctor without
/// one, and a backend client (client_credentials). Scopes come first (403 when none allows the type), then the same
/// record access rules as the rest of the API (404 when the patient is out of reach).
/// </summary>
public sealed class FhirScopeMatrixTests(FhirScopeMatrixTests.World world) : IClassFixture<FhirScopeMatrixTests.World>
{
    public enum Caller
    {
        Patient,
        DoctorWithGrant,
        DoctorWithoutGrant,
    }

    /// <summary>One patient with a profile, a file and a log entry; doctors with and without a grant are made per case.</summary>
    public sealed class World : FhirFactory, IAsyncLifetime
    {
        public Session Patient { get; private set; } = null!;
        public Dictionary<string, string> Paths { get; } = [];

        public async Task InitializeAsync()
        {
            var api = new Api(this);
            Patient = await api.RegisterPatient();
            await Patient.SaveProfile();
            var file = await Patient.Upload(SampleFiles.Pdf(), "lab.pdf");
            var entry = (await Patient.AccessLog(Patient.Id)).Items[0];
            var n = Patient.Id.ToString("N");
            Paths["Patient"] = $"Patient/{Patient.Id}";
            Paths["AllergyIntolerance"] = $"AllergyIntolerance/allergy-{n}-0";
            Paths["Condition"] = $"Condition/condition-{n}-0";
            Paths["MedicationStatement"] = $"MedicationStatement/medication-{n}-0";
            Paths["DocumentReference"] = $"DocumentReference/{file.Id}";
            Paths["Binary"] = $"Binary/{file.Id}";
            Paths["AuditEvent"] = $"AuditEvent/{entry.Id}";
        }

        /// <summary>
        /// A doctor of its own for each case: doctors sign in with a one-time code, and the server refuses a code twice,
        /// so one doctor cannot take a token for each of the matrix's cases within a few minutes.
        /// </summary>
        public async Task<Session> NewDoctor(bool granted)
        {
            var doctor = await new Api(this).RegisterDoctor();
            if (granted)
                await Patient.GrantAccessTo(doctor);
            return doctor;
        }

        Task IAsyncLifetime.DisposeAsync() => Task.CompletedTask;
    }

    public static TheoryData<string, Caller> Cases()
    {
        var data = new TheoryData<string, Caller>();
        string[] scopes = ["patient/*.rs", "user/*.rs", .. SmartScopes.ResourceTypes.Select(t => $"patient/{t}.rs"), .. SmartScopes.ResourceTypes.Select(t => $"user/{t}.rs")];
        foreach (var scope in scopes)
        {
            foreach (var caller in Enum.GetValues<Caller>())
                data.Add(scope, caller);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Read_EachResourceType_IsAllowedExactlyWhenScopeAndRecordAccessBothAllow(string scope, Caller caller)
    {
        var api = new Api(world);
        var user = caller switch
        {
            Caller.Patient => world.Patient,
            Caller.DoctorWithGrant => await world.NewDoctor(granted: true),
            _ => await world.NewDoctor(granted: false),
        };
        using var client = await api.WithSmartScopes(user, scope);
        SmartScope.TryParse(scope, out var parsed).Should().BeTrue();

        foreach (var type in SmartScopes.ResourceTypes)
        {
            var response = await client.GetAsync("/fhir/r4/" + world.Paths[type]);

            var expected = Expected(parsed!, type, caller);
            response.StatusCode.Should().Be(expected, $"{scope} reading {type} as {caller}: {await response.Content.ReadAsStringAsync()}");
        }
    }

    [Fact]
    public async Task Read_BackendClientWithoutSystemScopes_IsRefusedForEveryType()
    {
        using var backend = await new Api(world).AsBackendClient();

        foreach (var type in SmartScopes.ResourceTypes)
        {
            var diagnostics = await (await backend.GetAsync("/fhir/r4/" + world.Paths[type])).ShouldBeOutcome(HttpStatusCode.Forbidden);
            diagnostics.Should().Contain($"reading {type}");
        }
    }

    private static HttpStatusCode Expected(SmartScope scope, string type, Caller caller)
    {
        if (!scope.Allows(type, SmartPermissions.Read))
            return HttpStatusCode.Forbidden;
        return caller switch
        {
            Caller.Patient => HttpStatusCode.OK,
            // A doctor's patient/ scope has no patient in context (no patient picker): nobody is reachable with it.
            Caller.DoctorWithGrant => scope.Context == SmartContext.User ? HttpStatusCode.OK : HttpStatusCode.NotFound,
            _ => HttpStatusCode.NotFound,
        };
    }
}
