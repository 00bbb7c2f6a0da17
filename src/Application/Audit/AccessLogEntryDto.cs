using System.Linq.Expressions;
using MediVault.Domain.Audit;

namespace MediVault.Application.Audit;

/// <summary>One line of a patient's access log.</summary>
/// <param name="Id">The entry's id.</param>
/// <param name="Timestamp">When it happened (UTC).</param>
/// <param name="Action">What happened: <c>file-downloaded</c>, <c>profile-viewed</c>, <c>qr-accessed</c>, …</param>
/// <param name="ActorId">Who did it; null for an emergency responder, who has no account.</param>
/// <param name="ActorName">The actor's name at the time.</param>
/// <param name="ActorRole"><c>patient</c>, <c>doctor</c>, <c>emergency</c> or <c>system</c>.</param>
/// <param name="ResourceType">What kind of thing it was done to: <c>file</c>, <c>emergency-profile</c>, <c>qr-code</c>, …</param>
/// <param name="ResourceId">Which one, when there is one.</param>
/// <param name="IpAddress">The client's address.</param>
/// <param name="UserAgent">The client's User-Agent header.</param>
/// <param name="Outcome"><c>success</c>, or <c>denied</c> for a refused attempt.</param>
/// <param name="ResourceName">
/// Addition (issue 15): what the resource is called — the file's name, the QR code's label, the doctor of a grant.
/// Resolved for the patient who owns the log only; null for anyone else and for resources without a name.
/// </param>
/// <param name="Device">Addition (issue 15): the user agent in words ("Chrome on Linux"), or null without one.</param>
public sealed record AccessLogEntryDto(
    Guid Id, DateTime Timestamp, AccessAction Action, Guid? ActorId, string ActorName, ActorRole ActorRole,
    string ResourceType, Guid? ResourceId, string? IpAddress, string? UserAgent, AccessOutcome Outcome,
    string? ResourceName = null, string? Device = null)
{
    /// <summary>The projection the database runs, so a page of entries is read without loading whole rows.</summary>
    public static Expression<Func<AccessLogEntry, AccessLogEntryDto>> Projection { get; } = e => new AccessLogEntryDto(
        e.Id, e.Timestamp, e.Action, e.ActorId, e.ActorName, e.ActorRole, e.ResourceType, e.ResourceId, e.IpAddress, e.UserAgent, e.Outcome,
        null, null);
}

/// <summary>The order the log is read in: newest first; ids (version 7, time-ordered) break ties.</summary>
internal static class AccessLogOrder
{
    public static IOrderedQueryable<AccessLogEntry> NewestFirst(this IQueryable<AccessLogEntry> entries) =>
        entries.OrderByDescending(e => e.Timestamp).ThenByDescending(e => e.Id);
}
