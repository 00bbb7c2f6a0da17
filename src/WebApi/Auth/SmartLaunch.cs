using System.Security.Claims;
using MediVault.Application.Common.Access;
using MediVault.Domain.Identity;
using MediVault.Infrastructure.Identity;
using Microsoft.AspNetCore.Authentication;
using OpenIddict.Abstractions;

namespace MediVault.WebApi.Auth;

/// <summary>The SMART <c>fhirUser</c> claim: the FHIR resource that is the signed-in person.</summary>
internal static class FhirUser
{
    public static string Of(ApplicationUser user) =>
        user.AccountType == AccountType.Patient ? $"Patient/{user.Id}" : $"Practitioner/{user.Id}";
}

/// <summary>
/// The SMART launch context <c>patient</c>: with <c>launch/patient</c>, a patient's tokens name the patient they are
/// about (in the token response and as the access token's <c>patient</c> claim). A doctor's do not: choosing a patient
/// (a patient picker) is not built, so the portal learns the doctor's patients from the FHIR API instead.
/// </summary>
internal static class PatientContext
{
    public const string Claim = "patient";

    public static bool Applies(ClaimsIdentity identity, ApplicationUser user) =>
        identity.HasScope(SmartScopes.LaunchPatient) && user.AccountType == AccountType.Patient;

    /// <summary>The extra token-response parameters (<c>patient</c>) for a principal that has a patient context.</summary>
    public static AuthenticationProperties? TokenResponseParameters(ClaimsPrincipal principal) =>
        principal.GetClaim(Claim) is { } patientId
            ? new AuthenticationProperties(items: null, parameters: new Dictionary<string, object?> { [Claim] = patientId })
            : null;
}

/// <summary>The web app's sign-in page, which comes back to <c>returnUrl</c> (a /connect/authorize URL) once signed in.</summary>
internal static class SignInPage
{
    public static string For(HttpContext context, string returnUrl) =>
        context.Request.PathBase + "/#/sign-in?next=" + Uri.EscapeDataString(returnUrl);
}
