using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace MediVault.Infrastructure.Persistence;

/// <summary>
/// Finds the context's migrations and model snapshot as EF Core's own <c>MigrationsAssembly</c> does, without loading
/// every type of the assembly first (docs/decisions.md §155). EF Core enumerates <c>Assembly.DefinedTypes</c> to find
/// them, which loads all of Infrastructure's types, and with them the assemblies they name (PdfSharp, the AWS SDK,
/// Npgsql and its provider, both compiled models), in every configuration and for the life of the process. This reads
/// the assembly's metadata instead, and loads only the classes that derive directly from <see cref="Migration"/> or
/// <see cref="ModelSnapshot"/>; those keep EF Core's own test of the <see cref="DbContextAttribute"/> and
/// <see cref="MigrationAttribute"/>. MigrationSetTests checks that both contexts find what EF Core finds.
/// </summary>
internal sealed class MigrationsByMetadata(ICurrentDbContext currentContext, IMigrationsIdGenerator idGenerator) : IMigrationsAssembly
{
    private readonly Type _contextType = currentContext.Context.GetType();
    private IReadOnlyDictionary<string, TypeInfo>? _migrations;
    private Lazy<ModelSnapshot?>? _modelSnapshot;

    public Assembly Assembly => _contextType.Assembly;

    public IReadOnlyDictionary<string, TypeInfo> Migrations => _migrations ??= FindMigrations();

    public ModelSnapshot? ModelSnapshot => (_modelSnapshot ??= new(() =>
        ClassesOfThisContext(typeof(ModelSnapshot)).Select(type => (ModelSnapshot)Activator.CreateInstance(type)!).FirstOrDefault())).Value;

    public string? FindMigrationId(string nameOrId) =>
        Migrations.Keys.FirstOrDefault(idGenerator.IsValidId(nameOrId)
            ? id => string.Equals(id, nameOrId, StringComparison.OrdinalIgnoreCase)
            : id => string.Equals(idGenerator.GetName(id), nameOrId, StringComparison.OrdinalIgnoreCase));

    public Migration CreateMigration(TypeInfo migrationClass, string activeProvider)
    {
        ArgumentNullException.ThrowIfNull(migrationClass);
        var migration = (Migration)Activator.CreateInstance(migrationClass.AsType())!;
        migration.ActiveProvider = activeProvider;
        return migration;
    }

    private SortedList<string, TypeInfo> FindMigrations()
    {
        var migrations = new SortedList<string, TypeInfo>(StringComparer.Ordinal);
        foreach (var type in ClassesOfThisContext(typeof(Migration)))
        {
            // EF Core logs and skips a migration class without the attribute; the generated ones all carry it.
            if (type.GetCustomAttribute<MigrationAttribute>()?.Id is { } id)
                migrations.Add(id, type.GetTypeInfo());
        }

        return migrations;
    }

    /// <summary>The concrete classes of the context's assembly that derive directly from <paramref name="baseClass"/>
    /// and name this context in their <see cref="DbContextAttribute"/>.</summary>
    private IEnumerable<Type> ClassesOfThisContext(Type baseClass) =>
        DirectSubclassNames(Assembly, baseClass)
            .Select(name => Assembly.GetType(name, throwOnError: true)!)
            .Where(type => !type.IsAbstract && type.GetCustomAttribute<DbContextAttribute>()?.ContextType == _contextType);

    /// <summary>The names, as <see cref="Assembly.GetType(string)"/> takes them, of the top-level classes whose base
    /// class in the metadata is <paramref name="baseClass"/>, read without loading any type.</summary>
    internal static IReadOnlyList<string> DirectSubclassNames(Assembly assembly, Type baseClass)
    {
        if (assembly.Location.Length == 0) // not loaded from a file (a single-file bundle): EF Core's way, loading every type
            return [.. assembly.GetTypes().Where(type => type.BaseType == baseClass && !type.IsNested).Select(type => type.FullName!)];

        using var file = File.OpenRead(assembly.Location);
        using var image = new PEReader(file);
        var metadata = image.GetMetadataReader();
        var names = new List<string>();
        foreach (var handle in metadata.TypeDefinitions)
        {
            var definition = metadata.GetTypeDefinition(handle);
            if (definition.IsNested || definition.BaseType.Kind != HandleKind.TypeReference)
                continue;
            var baseReference = metadata.GetTypeReference((TypeReferenceHandle)definition.BaseType);
            if (metadata.StringComparer.Equals(baseReference.Name, baseClass.Name)
                && metadata.StringComparer.Equals(baseReference.Namespace, baseClass.Namespace!))
            {
                var ns = metadata.GetString(definition.Namespace);
                var name = metadata.GetString(definition.Name);
                names.Add(ns.Length == 0 ? name : $"{ns}.{name}");
            }
        }

        return names;
    }
}
