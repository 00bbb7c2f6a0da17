using MediVault.Application.Common.Access;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace MediVault.Infrastructure.Identity;

/// <summary>
/// The scopes the OAuth server knows, who may ask for which, and how the consent screen names them. A portal acting
/// for a signed-in person may ask for the user-facing scopes; <c>system/</c> scopes exist only for a client acting for
/// itself (client_credentials), and only those configured for it (<c>MediVault:Clients:N:SystemScopes</c>).
/// </summary>
public static class OAuthScopes
{
    /// <summary>Every scope registered with OpenIddict (and advertised in discovery).</summary>
    public static readonly IReadOnlyList<string> Registered =
    [
        Scopes.OpenId, Scopes.Profile, Scopes.Email, Scopes.OfflineAccess, IdentityServices.ApiScope,
        .. SmartScopes.Supported,
    ];

    /// <summary>What a portal acting for a person may ask for: everything but the <c>system/</c> scopes.</summary>
    public static readonly IReadOnlyList<string> UserFacing = [.. Registered.Where(scope => !IsSystem(scope))];

    /// <summary>A SMART system scope (<c>system/*.rs</c>, <c>system/Patient.rs</c>, …): a client acting for itself.</summary>
    public static bool IsSystem(string scope) => scope.StartsWith("system/", StringComparison.Ordinal);

    /// <summary>A scope a configuration may grant to a client for client_credentials.</summary>
    public static bool IsGrantableSystemScope(string scope) => IsSystem(scope) && SmartScopes.Supported.Contains(scope);

    /// <summary>The scope in plain words, as the consent screen and the Connected apps list show it.</summary>
    public static string Describe(string scope) => scope switch
    {
        Scopes.OpenId => "Confirm who you are (your MediVault account id)",
        Scopes.Profile => "See your name",
        Scopes.Email => "See your email address",
        Scopes.OfflineAccess => "Keep access when you are not using the app, until you revoke it",
        IdentityServices.ApiScope => "Use MediVault on your behalf: everything you can do in the web app",
        SmartScopes.FhirUser => "Know which MediVault patient or doctor record is yours",
        SmartScopes.LaunchPatient => "Know which patient's records it is working with",
        SmartScopes.PatientAllRead => "Read all of your records: profile, allergies, conditions, medications, documents and access log",
        SmartScopes.UserAllRead => "Read every record you can read in MediVault, including patients who shared with you",
        _ when SmartScope.TryParse(scope, out var smart) => smart.Describe(),
        _ => scope,
    };

    /// <summary>A SMART v2 resource scope such as <c>patient/DocumentReference.rs</c>.</summary>
    private readonly record struct SmartScope(string Context, string ResourceType)
    {
        public static bool TryParse(string scope, out SmartScope parsed)
        {
            parsed = default;
            var slash = scope.IndexOf('/', StringComparison.Ordinal);
            if (slash <= 0 || !scope.EndsWith(".rs", StringComparison.Ordinal))
                return false;
            var type = scope[(slash + 1)..^3];
            if (!SmartScopes.ResourceTypes.Contains(type))
                return false;
            parsed = new SmartScope(scope[..slash], type);
            return true;
        }

        public string Describe() => Context switch
        {
            "patient" => $"Read your {Plain(ResourceType)}",
            "user" => $"Read the {Plain(ResourceType)} you can read in MediVault, including patients who shared with you",
            _ => $"Read {Plain(ResourceType)} as a back-end system",
        };

        private static string Plain(string type) => type switch
        {
            "Patient" => "patient details and emergency contacts",
            "AllergyIntolerance" => "allergies",
            "Condition" => "conditions",
            "MedicationStatement" => "medications",
            "DocumentReference" => "medical documents (the list)",
            "Binary" => "medical documents (the files themselves)",
            "AuditEvent" => "access log",
            _ => type,
        };
    }
}
