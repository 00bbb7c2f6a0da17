using MediVault.Application.Common.Abstractions;
using MediVault.Application.Common.Naming;
using MediVault.Application.Emergency;

namespace MediVault.Application.Audit;

/// <summary>Names and devices for access log entries (issue 15).</summary>
internal static class AccessLogNames
{
    public const string FileResource = "file";
    public const string GrantResource = "access-grant";

    /// <summary>Names the entries' records; call only when the reader is the patient who owns the log.</summary>
    public static async Task<IReadOnlyList<AccessLogEntryDto>> NameForOwnerAsync(
        IOwnedRecordNames recordNames, Guid patientId, IReadOnlyList<AccessLogEntryDto> entries, CancellationToken ct)
    {
        var ids = new RecordIds(
            IdsOf(entries, FileResource), IdsOf(entries, ResourceTypes.QrCode), IdsOf(entries, GrantResource),
            IdsOf(entries, Sharing.SmartHealthLinks.ShlLogNames.ResourceType));
        var names = await recordNames.FindAsync(patientId, ids, ct);
        return [.. entries.Select(e => e with { ResourceName = e.ResourceId is { } id ? names.GetValueOrDefault(id) : null })];
    }

    /// <summary>Every entry's device in words, for any reader (a browser and system name is not a secret).</summary>
    public static IReadOnlyList<AccessLogEntryDto> WithDevices(IEnumerable<AccessLogEntryDto> entries) =>
        [.. entries.Select(e => e with { Device = UserAgentDescription.Describe(e.UserAgent) })];

    private static List<Guid> IdsOf(IReadOnlyList<AccessLogEntryDto> entries, string resourceType) =>
        [.. entries.Where(e => e.ResourceType == resourceType && e.ResourceId is not null).Select(e => e.ResourceId!.Value).Distinct()];
}
