using MediVault.Domain.Common;

namespace MediVault.Domain.Sharing;

/// <summary>A patient's explicit, revocable permission for one doctor to read and add to their vault.</summary>
public sealed class AccessGrant
{
    private AccessGrant() { } // EF Core

    public Guid Id { get; private set; }
    public Guid PatientId { get; private set; }
    public Guid DoctorId { get; private set; }
    public DateTime GrantedAt { get; private set; }
    public DateTime? ExpiresAt { get; private set; }
    public DateTime? RevokedAt { get; private set; }

    public static AccessGrant Create(Guid patientId, Guid doctorId, DateTime grantedAt, DateTime? expiresAt)
    {
        if (patientId == doctorId)
            throw new DomainRuleException("A patient cannot grant access to themselves.");
        if (expiresAt is { } end && end <= grantedAt)
            throw new DomainRuleException("A grant cannot end before it starts.");
        return new AccessGrant
        {
            Id = Guid.CreateVersion7(),
            PatientId = Guard.NotEmpty(patientId, nameof(patientId)),
            DoctorId = Guard.NotEmpty(doctorId, nameof(doctorId)),
            GrantedAt = Guard.Utc(grantedAt, nameof(grantedAt)),
            ExpiresAt = expiresAt is { } e ? Guard.Utc(e, nameof(expiresAt)) : null,
        };
    }

    /// <summary>True while the grant is neither revoked nor past its end date.</summary>
    public bool IsActiveAt(DateTime now) => RevokedAt is null && (ExpiresAt is null || ExpiresAt > now);

    public void Revoke(DateTime at)
    {
        if (RevokedAt is not null)
            throw new DomainRuleException("The grant is already revoked.");
        RevokedAt = Guard.Utc(at, nameof(at));
    }
}
