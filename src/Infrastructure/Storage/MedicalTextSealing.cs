using System.Linq.Expressions;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text.Json;
using MediVault.Application.Common.Abstractions;
using MediVault.Domain.Emergency;
using MediVault.Domain.Records;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.Extensions.DependencyInjection;

namespace MediVault.Infrastructure.Storage;

/// <summary>
/// Seals medical text as rows are saved and opens it as entities are created from rows, so use cases keep working with plain entities:
/// an emergency profile's content (<see cref="SealedProfileContent"/>) and a file's description live in the database
/// only sealed under the patient's data key (<see cref="PatientKeyRing"/>). What queries need (ids, dates, names of
/// files, categories) stays in clear; docs/storage.md, "Medical text".
/// One instance serves every context (<see cref="Instance"/>): EF Core builds its internal services per distinct set
/// of interceptors, so an instance per host would build them again for every host. The key ring comes from the
/// context's application services.
/// Opening happens in the entity's instantiation binding (<see cref="OpeningBinding"/>), compiled once into each
/// query's materializer, rather than in an <see cref="IMaterializationInterceptor"/>: with one of those registered,
/// EF Core builds a dictionary of freshly bound value-reader delegates for every entity of every type it materializes,
/// which was the largest single cost of listing files (docs/performance.md).
/// </summary>
internal sealed class MedicalTextSealing : ISaveChangesInterceptor, IInstantiationBindingInterceptor
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

    public InstantiationBinding ModifyBinding(InstantiationBindingInterceptionData interceptionData, InstantiationBinding binding)
    {
        var type = interceptionData.TypeBase;
        if (type.ClrType == typeof(EmergencyProfile))
            return new OpeningBinding(binding, this, OpenProfileMethod, Property(type, nameof(EmergencyProfile.PatientId)),
                Property(type, nameof(EmergencyProfile.PatientId)), Property(type, SealedProfileContent.Column));
        if (type.ClrType == typeof(MedicalFile))
            return new OpeningBinding(binding, this, OpenFileMethod, Property(type, nameof(MedicalFile.OwnerId)),
                Property(type, nameof(MedicalFile.Id)), Property(type, DescriptionColumn));
        return binding;
    }

    private static IProperty Property(ITypeBase type, string name) =>
        (IProperty?)type.FindProperty(name) ?? throw new InvalidOperationException($"{type.DisplayName()} has no property {name}.");

    private static readonly MethodInfo OpenProfileMethod = typeof(MedicalTextSealing).GetMethod(nameof(OpenProfile), BindingFlags.Instance | BindingFlags.NonPublic)!;
    private static readonly MethodInfo OpenFileMethod = typeof(MedicalTextSealing).GetMethod(nameof(OpenFile), BindingFlags.Static | BindingFlags.NonPublic)!;

    // Called by the materializer with the new, still empty instance and the row's values, before EF Core sets the
    // mapped properties (the sealed ones are not mapped, so nothing overwrites what is opened here).
    private EmergencyProfile OpenProfile(EmergencyProfile profile, DbContext context, Guid patientId, Guid rowId, byte[]? sealedValue)
    {
        var content = Open(context, patientId, sealedValue, SealedProfileContent.Table, rowId)
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
        return profile;
    }

    private static MedicalFile OpenFile(MedicalFile file, DbContext context, Guid ownerId, Guid rowId, byte[]? sealedValue)
    {
        SetDescription(file, Open(context, ownerId, sealedValue, DescriptionTable, rowId));
        return file;
    }

    /// <summary>
    /// Opens the descriptions of one patient's files from their sealed column (<see cref="DescriptionColumn"/>), for a
    /// query that reads the column instead of materializing the files (a page of the files list). The patient's key is
    /// unwrapped once, at the first description, for all of them (docs/performance.md, "Twentieth session").
    /// </summary>
    internal static DescriptionOpener DescriptionsOf(DbContext context, Guid ownerId) => new(context, ownerId);

    /// <summary>See <see cref="DescriptionsOf"/>; disposing it frees the key.</summary>
    internal sealed class DescriptionOpener(DbContext context, Guid ownerId) : IDisposable
    {
        private AesGcm? _cipher;

        /// <summary>The description, null when the file has none; a <see cref="StoredContentCorruptException"/> when it cannot be opened.</summary>
        public string? Open(Guid fileId, byte[]? sealedValue)
        {
            if (sealedValue is null)
                return null;
            try
            {
                _cipher ??= KeyRing(context).CipherFor(context, ownerId);
                return SealedText.Open(_cipher, sealedValue, DescriptionTable, fileId);
            }
            catch (CryptographicException ex)
            {
                throw Corrupt(ex);
            }
        }

        public void Dispose() => _cipher?.Dispose();
    }

    private static string? Open(DbContext context, Guid patientId, byte[]? sealedValue, string table, Guid rowId)
    {
        if (sealedValue is null)
            return null;
        try
        {
            return KeyRing(context).Open(context, patientId, sealedValue, table, rowId);
        }
        catch (CryptographicException ex)
        {
            throw Corrupt(ex);
        }
    }

    /// <summary>A sealed text that cannot be opened (the key is gone, or the value was altered or moved) is corrupt content.</summary>
    private static StoredContentCorruptException Corrupt(CryptographicException cause) =>
        new("A patient's sealed text cannot be opened.", cause);

    /// <summary>
    /// The key ring, from the context's application services. Not <c>context.GetService&lt;PatientKeyRing&gt;()</c>:
    /// for a service outside EF Core's own, that looks in EF Core's provider first and then sorts the context's option
    /// extensions to find the application's, allocating on every call, and it is called for every row opened
    /// (docs/performance.md, "Nineteenth session").
    /// </summary>
    private static PatientKeyRing KeyRing(DbContext context) =>
        context.GetService<IDbContextOptions>().FindExtension<CoreOptionsExtension>()?.ApplicationServiceProvider?.GetService<PatientKeyRing>()
        ?? throw new InvalidOperationException("The context has no application services with the patient key ring.");

    /// <summary>
    /// EF Core's own binding (the entity's constructor), followed by a call that opens the row's sealed value into the
    /// new instance. The parameter bindings stay EF Core's, so every mapped property is still set as usual.
    /// </summary>
    private sealed class OpeningBinding(
        InstantiationBinding inner, MedicalTextSealing sealing, MethodInfo open, IProperty patientId, IProperty rowId, IProperty sealedValue)
        : InstantiationBinding(inner.ParameterBindings)
    {
        public override Type RuntimeType => inner.RuntimeType;

        public override InstantiationBinding With(IReadOnlyList<ParameterBinding> parameterBindings) =>
            new OpeningBinding(inner.With(parameterBindings), sealing, open, patientId, rowId, sealedValue);

        public override Expression CreateConstructorExpression(ParameterBindingInfo bindingInfo) =>
            Expression.Convert(
                Expression.Call(
                    open.IsStatic ? null : Expression.Constant(sealing), open,
                    Expression.Convert(inner.CreateConstructorExpression(bindingInfo), open.GetParameters()[0].ParameterType),
                    new ContextParameterBinding(typeof(DbContext)).BindToParameter(bindingInfo),
                    new PropertyParameterBinding(patientId).BindToParameter(bindingInfo),
                    new PropertyParameterBinding(rowId).BindToParameter(bindingInfo),
                    new PropertyParameterBinding(sealedValue).BindToParameter(bindingInfo)),
                RuntimeType);
    }

    private void SealChanges(DbContext? context)
    {
        if (context is null)
            return;
        var keys = KeyRing(context);
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
