using System.Text.Json;
using MediVault.Domain.Emergency;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MediVault.Infrastructure.Persistence.Configurations;

internal sealed class EmergencyProfileConfiguration : IEntityTypeConfiguration<EmergencyProfile>
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public void Configure(EntityTypeBuilder<EmergencyProfile> builder)
    {
        builder.HasKey(p => p.PatientId);
        builder.Property(p => p.PatientId).ValueGeneratedNever();
        builder.Property(p => p.BloodType).HasConversion<string>().HasMaxLength(16);
        builder.Property(p => p.MedicalNotes).HasMaxLength(4000);
        builder.Ignore(p => p.IsComplete);
        JsonList(builder.Property(p => p.Allergies));
        JsonList(builder.Property(p => p.Conditions));
        JsonList(builder.Property(p => p.Medications));
        JsonList(builder.Property(p => p.EmergencyContacts));
    }

    /// <summary>Small lists of value objects live in one JSON column each.</summary>
    private static void JsonList<T>(PropertyBuilder<List<T>> property) =>
        property.HasConversion(
                list => JsonSerializer.Serialize(list, Json),
                json => JsonSerializer.Deserialize<List<T>>(json, Json) ?? new List<T>(),
                new ValueComparer<List<T>>(
                    (a, b) => a!.SequenceEqual(b!),
                    list => list.Aggregate(0, (hash, item) => HashCode.Combine(hash, item)),
                    list => list.ToList()))
            .IsRequired();
}
