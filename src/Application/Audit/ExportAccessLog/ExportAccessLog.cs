using FluentValidation;
using Mediator;
using MediVault.Application.Audit.ListAccessLog;
using MediVault.Application.Common.Abstractions;
using MediVault.Application.Common.Access;
using MediVault.Domain.Audit;
using Microsoft.EntityFrameworkCore;

namespace MediVault.Application.Audit.ExportAccessLog;

/// <summary>
/// The patient's access log for a CSV download (issue 15): the same filter as the list, newest first, at most
/// <see cref="MaxEntries"/> entries (the answer says when it was cut short).
/// </summary>
public sealed record ExportAccessLog(Guid PatientId, AccessLogFilter Filter) : IQuery<AccessLogExport>
{
    public const int MaxEntries = 10_000;
}

/// <summary>The entries to write, and whether more matched than <see cref="ExportAccessLog.MaxEntries"/>.</summary>
public sealed record AccessLogExport(IReadOnlyList<AccessLogEntryDto> Entries, bool Truncated);

public sealed class ExportAccessLogHandler(IAppDbContext db, IRecordAccess access, IAccessLog accessLog, IOwnedRecordNames recordNames)
    : IQueryHandler<ExportAccessLog, AccessLogExport>
{
    public async ValueTask<AccessLogExport> Handle(ExportAccessLog query, CancellationToken cancellationToken)
    {
        var role = await access.EnsureAsync(query.PatientId, RecordAction.ReadAccessLog, cancellationToken);

        var rows = await query.Filter.Apply(db.AccessLogEntries.AsNoTracking())
            .Where(e => e.PatientId == query.PatientId)
            .NewestFirst()
            .Select(AccessLogEntryDto.Projection)
            .Take(ExportAccessLog.MaxEntries + 1)
            .ToListAsync(cancellationToken);
        var truncated = rows.Count > ExportAccessLog.MaxEntries;
        var entries = AccessLogNames.WithDevices(rows.Take(ExportAccessLog.MaxEntries));
        if (role == ActorRole.Patient)
            entries = await AccessLogNames.NameForOwnerAsync(recordNames, query.PatientId, entries, cancellationToken);

        if (role == ActorRole.Doctor)
        {
            accessLog.Record(query.PatientId, AccessAction.RecordsViewed, role, "access-log", resourceId: null);
            await db.SaveChangesAsync(cancellationToken);
        }
        return new AccessLogExport(entries, truncated);
    }
}

internal sealed class ExportAccessLogValidator : AbstractValidator<ExportAccessLog>
{
    public ExportAccessLogValidator() => this.AddFilterRules(x => x.Filter);
}
