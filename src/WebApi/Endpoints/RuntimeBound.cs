namespace MediVault.WebApi.Endpoints;

/// <summary>
/// The endpoints' request delegates are written at build time by ASP.NET Core's Request Delegate Generator
/// (decisions §157), except where a handler is passed through <see cref="Handler"/>: the generator cannot see through
/// the <see cref="Delegate"/>, so that endpoint's delegate is built at run time as before. The generator (.NET 10) answers
/// an optional query parameter that does not parse (<c>?page=abc</c>, <c>?from=abc</c>) with a bare 400 and does not
/// raise the <see cref="BadHttpRequestException"/> that names the field in the problem details; the run-time builder
/// does. So every handler with an optional non-string query parameter goes through here; QueryBindingTests fails for
/// one that does not.
/// </summary>
internal static class RuntimeBound
{
    public static Delegate Handler(Delegate handler) => handler;
}
