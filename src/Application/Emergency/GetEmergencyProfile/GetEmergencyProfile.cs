using Mediator;
using MediVault.Application.Common.Abstractions;
using MediVault.Application.Common.Access;
using MediVault.Application.Common.Exceptions;
using MediVault.Domain.Audit;

namespace MediVault.Application.Emergency.GetEmergencyProfile;

/// <summary>The patient's emergency profile, for the patient or a doctor they granted access to.</summary>
public sealed record GetEmergencyProfile(Guid PatientId) : IQuery<EmergencyProfileDto>;

public sealed class GetEmergencyProfileHandler(IAppDbContext db, IEmergencyProfileLookup profiles, IRecordAccess access, IAccessLog accessLog, IUserDirectory users)
    : IQueryHandler<GetEmergencyProfile, EmergencyProfileDto>
{
    public async ValueTask<EmergencyProfileDto> Handle(GetEmergencyProfile query, CancellationToken cancellationToken)
    {
        var role = await access.EnsureAsync(query.PatientId, RecordAction.ReadProfile, cancellationToken);

        var profile = await profiles.FindAsync(query.PatientId, cancellationToken)
            ?? throw new NotFoundException("No emergency profile has been saved yet.");
        var patient = await users.FindByIdAsync(query.PatientId, cancellationToken) ?? throw new NotFoundException();

        // The patient reading their own profile is not news to them; anyone else's reading is.
        if (role != ActorRole.Patient)
        {
            accessLog.Record(query.PatientId, AccessAction.ProfileViewed, role, ResourceTypes.EmergencyProfile, query.PatientId);
            await db.SaveChangesAsync(cancellationToken);
        }

        return EmergencyProfileDto.From(profile, patient.FullName);
    }
}
