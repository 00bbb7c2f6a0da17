using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text.Json;
using MediVault.Application.Common.Abstractions;
using MediVault.Domain.Emergency;
using MediVault.Domain.Records;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace MediVault.Infrastructure.Storage;

/// <summary>
/// Seals medical text as rows are saved and opens it as they are read, so use cases keep working with plain entities:
/// an emergency profile's content (<see cref="SealedProfileContent"/>) and a file's description live in the database
/// only sealed under the patient's data key (<see cref="PatientKeyRing"/>). What queries need (ids, dates, names of
/// files, categories) stays in clear; docs/storage.md, "Medical text".
/// One instance serves every context (<see cref="Instance"/>): EF Core builds its internal services per distinct set
/// of interceptors, so an instance per host would build them again for every host. The key ring comes from the
/// context's application services.
/// </summary>
internal sealed class MedicalTextSealing : ISaveChangesInterceptor, IMaterializationInterceptor
{
    public static readonly MedicalTextSealing Instance = new();

    private MedicalTextSealing() { }

    public const string DescriptionTable = "MedicalFiles";
    public const string DescriptionColumn = "SealedDescription";

    // The plaintext each tracked profile was read or last sealed with: an unchanged profile is not sealed again.
    private readonly ConditionalWeakTable<EmergencyProfile, string> _sealedAs = new();

    public InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        SealChanges(eventData.Context);
        return result;
    }

    public ValueTask<InterceptionResult<int>> SavingChangesAsync(
        DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        SealChanges(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public object InitializedInstance(MaterializationInterceptionData materializationData, object entity)
    {
        switch (entity)
        {
            case EmergencyProfile profile:
                var content = Open(materializationData, profile.PatientId, SealedProfileContent.Column, SealedProfileContent.Table, profile.PatientId)
                    ?? throw new StoredContentCorruptException("An emergency profile has no sealed content.");
                try
                {
                    SealedProfileContent.Restore(profile, content);
                }
                catch (JsonException ex)
                {
                    throw new StoredContentCorruptException("An emergency profile's sealed content is not a profile.", ex);
                }
                _sealedAs.AddOrUpdate(profile, content);
                break;
            case MedicalFile file:
                SetDescription(file, Open(materializationData, file.OwnerId, DescriptionColumn, DescriptionTable, file.Id));
                break;
        }
        return entity;
    }

    private static string? Open(MaterializationInterceptionData data, Guid patientId, string column, string table, Guid rowId)
    {
        if (data.GetPropertyValue<byte[]?>(column) is not { } sealedValue)
            return null;
        try
        {
            return data.Context.GetService<PatientKeyRing>().Open(data.Context, patientId, sealedValue, table, rowId);
        }
        catch (CryptographicException ex)
        {
            throw new StoredContentCorruptException("A patient's sealed text cannot be opened.", ex);
        }
    }

    private void SealChanges(DbContext? context)
    {
        if (context is null)
            return;
        var keys = context.GetService<PatientKeyRing>();
        foreach (var entry in context.ChangeTracker.Entries<EmergencyProfile>())
        {
            if (entry.State is EntityState.Deleted or EntityState.Detached)
                continue;
            var profile = entry.Entity;
            var json = SealedProfileContent.ToJson(profile);
            if (entry.State != EntityState.Added && _sealedAs.TryGetValue(profile, out var sealedAs) && sealedAs == json)
                continue;
            entry.Property(SealedProfileContent.Column).CurrentValue =
                keys.Seal(context, profile.PatientId, json, SealedProfileContent.Table, profile.PatientId);
            _sealedAs.AddOrUpdate(profile, json);
        }

        foreach (var entry in context.ChangeTracker.Entries<MedicalFile>())
        {
            // A description is written once, with the file.
            if (entry.State != EntityState.Added)
                continue;
            var file = entry.Entity;
            entry.Property(DescriptionColumn).CurrentValue = file.Description is { } description
                ? keys.Seal(context, file.OwnerId, description, DescriptionTable, file.Id)
                : null;
        }
    }

    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "set_Description")]
    private static extern void SetDescription(MedicalFile file, string? value);
}
