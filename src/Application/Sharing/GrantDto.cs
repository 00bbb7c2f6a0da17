using MediVault.Application.Common.Abstractions;
using MediVault.Domain.Sharing;

namespace MediVault.Application.Sharing;

/// <summary>A grant as the API shows it, with the names of both sides.</summary>
public sealed record GrantDto(
    Guid Id, Guid PatientId, string PatientName, Guid DoctorId, string DoctorName, string DoctorEmail,
    DateTime GrantedAt, DateTime? ExpiresAt, DateTime? RevokedAt, bool Active)
{
    internal static GrantDto From(AccessGrant grant, UserInfo? patient, UserInfo? doctor, DateTime now) =>
        new(grant.Id, grant.PatientId, patient?.FullName ?? "", grant.DoctorId, doctor?.FullName ?? "", doctor?.Email ?? "",
            grant.GrantedAt, grant.ExpiresAt, grant.RevokedAt, grant.IsActiveAt(now));
}
