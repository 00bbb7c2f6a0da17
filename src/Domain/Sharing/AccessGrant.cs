using System.Globalization;
using System.Security.Cryptography;
using System.Text;
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

    /// <summary>
    /// What the ledger anchors for a grant or a revocation: lower-case hex SHA-256 of the UTF-8 text
    /// <c>grantId|patientId|doctorId|grantedAt|expiresAt|revokedAt</c> (GUIDs lower-case "D" format, times
    /// ISO-8601 UTC with 7 fraction digits and "Z", an absent time empty). docs/ledger.md has an example.
    /// </summary>
    public string PayloadHash()
    {
        static string Time(DateTime? at) => at?.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture) ?? "";
        var canonical = $"{Id:D}|{PatientId:D}|{DoctorId:D}|{Time(GrantedAt)}|{Time(ExpiresAt)}|{Time(RevokedAt)}";
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    /// <summary>Moves the end date of an active grant (granting again to the same doctor).</summary>
    public void ExtendTo(DateTime? expiresAt, DateTime now)
    {
        if (!IsActiveAt(now))
            throw new DomainRuleException("Only an active grant can be changed.");
        if (expiresAt is { } end && end <= now)
            throw new DomainRuleException("A grant cannot end in the past.");
        ExpiresAt = expiresAt is { } e ? Guard.Utc(e, nameof(expiresAt)) : null;
    }

    public void Revoke(DateTime at)
    {
        if (RevokedAt is not null)
            throw new DomainRuleException("The grant is already revoked.");
        RevokedAt = Guard.Utc(at, nameof(at));
    }
}
