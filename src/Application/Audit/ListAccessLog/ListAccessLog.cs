using FluentValidation;
using Mediator;
using MediVault.Application.Common.Abstractions;
using MediVault.Application.Common.Access;
using MediVault.Application.Common.Paging;
using MediVault.Domain.Audit;
using Microsoft.EntityFrameworkCore;

namespace MediVault.Application.Audit.ListAccessLog;

/// <summary>A page of the patient's access log, newest first, optionally filtered (issue 15).</summary>
public sealed record ListAccessLog(Guid PatientId, int Page, int PageSize, AccessLogFilter? Filter = null) : IQuery<Paged<AccessLogEntryDto>>;

public sealed class ListAccessLogHandler(IAppDbContext db, IRecordAccess access, IAccessLog accessLog, IOwnedRecordNames recordNames)
    : IQueryHandler<ListAccessLog, Paged<AccessLogEntryDto>>
{
    public async ValueTask<Paged<AccessLogEntryDto>> Handle(ListAccessLog query, CancellationToken cancellationToken)
    {
        var role = await access.EnsureAsync(query.PatientId, RecordAction.ReadAccessLog, cancellationToken);

        var page = await (query.Filter ?? AccessLogFilter.None).Apply(db.AccessLogEntries.AsNoTracking())
            .Where(e => e.PatientId == query.PatientId)
            .NewestFirst()
            .Select(AccessLogEntryDto.Projection)
            .ToPageAsync(query.Page, query.PageSize, cancellationToken);
        var items = AccessLogNames.WithDevices(page.Items);
        if (role == ActorRole.Patient)
            items = await AccessLogNames.NameForOwnerAsync(recordNames, query.PatientId, items, cancellationToken);

        // A doctor reading the log is itself worth a line in it (after the page, so it is not in the page it reads).
        if (role == ActorRole.Doctor)
        {
            accessLog.Record(query.PatientId, AccessAction.RecordsViewed, role, "access-log", resourceId: null);
            await db.SaveChangesAsync(cancellationToken);
        }
        return page with { Items = items };
    }
}

internal sealed class ListAccessLogValidator : AbstractValidator<ListAccessLog>
{
    public ListAccessLogValidator()
    {
        this.AddPagingRules(x => x.Page, x => x.PageSize);
        this.AddFilterRules(x => x.Filter ?? AccessLogFilter.None);
    }
}
