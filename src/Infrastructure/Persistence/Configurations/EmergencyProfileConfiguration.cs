using MediVault.Domain.Emergency;
using MediVault.Infrastructure.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MediVault.Infrastructure.Persistence.Configurations;

internal sealed class EmergencyProfileConfiguration : IEntityTypeConfiguration<EmergencyProfile>
{
    public void Configure(EntityTypeBuilder<EmergencyProfile> builder)
    {
        builder.HasKey(p => p.PatientId);
        builder.Property(p => p.PatientId).ValueGeneratedNever();
        builder.Ignore(p => p.IsComplete);

        // The medical content and the contacts are one sealed value (MedicalTextSealing); no query looks inside them.
        builder.Ignore(p => p.DateOfBirth);
        builder.Ignore(p => p.BloodType);
        builder.Ignore(p => p.Allergies);
        builder.Ignore(p => p.Conditions);
        builder.Ignore(p => p.Medications);
        builder.Ignore(p => p.EmergencyContacts);
        builder.Ignore(p => p.OrganDonor);
        builder.Ignore(p => p.MedicalNotes);
        builder.Property<byte[]>(SealedProfileContent.Column).IsRequired();
    }
}
