using FluentValidation;
using Mediator;
using MediVault.Application.Common.Abstractions;
using MediVault.Application.Common.Access;
using MediVault.Application.Common.Exceptions;
using MediVault.Domain.Audit;
using MediVault.Domain.Identity;
using MediVault.Domain.Ledger;
using MediVault.Domain.Sharing;
using Microsoft.EntityFrameworkCore;

namespace MediVault.Application.Sharing.GrantAccess;

/// <summary>A patient lets a doctor read and add to their vault, optionally until a date.</summary>
public sealed record GrantAccess(string? DoctorEmail, DateTime? ExpiresAt) : ICommand<GrantAccessResult>;

/// <summary>The grant, and whether it is new (201) or an existing active grant whose end date was updated (200).</summary>
public sealed record GrantAccessResult(GrantDto Grant, bool Created);

public sealed class GrantAccessHandler(
    IAppDbContext db, ICurrentUser currentUser, IUserDirectory users, ILedger ledger, IAccessLog accessLog, TimeProvider clock)
    : ICommandHandler<GrantAccess, GrantAccessResult>
{
    public async ValueTask<GrantAccessResult> Handle(GrantAccess command, CancellationToken cancellationToken)
    {
        var patientId = currentUser.RequireUserId();
        if (currentUser.AccountType != AccountType.Patient)
            throw new ForbiddenException("Only patients grant access to their records.");
        var now = clock.GetUtcNow().UtcDateTime;
        var expiresAt = command.ExpiresAt?.ToUniversalTime();
        if (expiresAt is { } end && end <= now)
            throw new ValidationFailedException("expiresAt", "expiresAt must be in the future.");

        var doctor = await users.FindByEmailAsync(command.DoctorEmail!, cancellationToken);
        if (doctor is not { AccountType: AccountType.Doctor })
            throw new ValidationFailedException("doctorEmail", "No doctor account has this email.");
        var patient = await users.FindByIdAsync(patientId, cancellationToken);

        var existing = await db.AccessGrants
            .Where(g => g.PatientId == patientId && g.DoctorId == doctor.Id && g.RevokedAt == null && (g.ExpiresAt == null || g.ExpiresAt > now))
            .OrderByDescending(g => g.GrantedAt)
            .FirstOrDefaultAsync(cancellationToken);
        var grant = existing ?? AccessGrant.Create(patientId, doctor.Id, now, expiresAt);
        if (existing is null)
            db.AccessGrants.Add(grant);
        else
            existing.ExtendTo(expiresAt, now);

        accessLog.Record(patientId, AccessAction.AccessGranted, ActorRole.Patient, "access-grant", grant.Id);
        await ledger.CommitAsync(new LedgerEvent(LedgerBlockKind.AccessGranted, grant.Id, patientId, grant.PayloadHash()), null, cancellationToken);
        return new GrantAccessResult(GrantDto.From(grant, patient, doctor, now), Created: existing is null);
    }
}

internal sealed class GrantAccessValidator : AbstractValidator<GrantAccess>
{
    public GrantAccessValidator()
    {
        RuleFor(x => x.DoctorEmail).NotEmpty().WithMessage("doctorEmail is required.")
            .MaximumLength(256).EmailAddress().WithMessage("doctorEmail must be an email address.");
    }
}
