using FluentValidation;
using Mediator;
using MediVault.Application.Common.Abstractions;
using MediVault.Application.Common.Paging;
using MediVault.Domain.Identity;
using Microsoft.EntityFrameworkCore;

namespace MediVault.Application.Sharing.ListGrants;

/// <summary>A patient's grants, or the grants a doctor has received; newest first, revoked and expired ones included.</summary>
public sealed record ListGrants(int Page, int PageSize) : IQuery<Paged<GrantDto>>;

public sealed class ListGrantsHandler(IAppDbContext db, ICurrentUser currentUser, IUserDirectory users, TimeProvider clock)
    : IQueryHandler<ListGrants, Paged<GrantDto>>
{
    public async ValueTask<Paged<GrantDto>> Handle(ListGrants query, CancellationToken cancellationToken)
    {
        var userId = currentUser.RequireUserId();
        var grants = currentUser.AccountType == AccountType.Doctor
            ? db.AccessGrants.AsNoTracking().Where(g => g.DoctorId == userId)
            : db.AccessGrants.AsNoTracking().Where(g => g.PatientId == userId);
        var page = await grants.OrderByDescending(g => g.GrantedAt).ToPageAsync(query.Page, query.PageSize, cancellationToken);

        var people = await users.FindManyAsync(page.Items.SelectMany(g => new[] { g.PatientId, g.DoctorId }), cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        return new Paged<GrantDto>(
            page.Items.Select(g => GrantDto.From(g, people.GetValueOrDefault(g.PatientId), people.GetValueOrDefault(g.DoctorId), now)).ToList(),
            page.Page, page.PageSize, page.TotalCount);
    }
}

internal sealed class ListGrantsValidator : AbstractValidator<ListGrants>
{
    public ListGrantsValidator() => this.AddPagingRules(x => x.Page, x => x.PageSize);
}
