namespace MediVault.Application.DataRights.ExportVault;

/// <summary>
/// One part of the vault export (the files, the profile, the access log, the ledger entries). Parts are written in
/// registration order (Application/DependencyInjection.cs); a new kind of record joins the export by adding a part.
/// </summary>
public interface IVaultExportPart
{
    /// <summary>The paragraph README.txt gives this part: its entries and what they hold.</summary>
    string Description { get; }

    /// <summary>Writes the part's entries for <paramref name="patientId"/>, streaming: never the whole part in memory.</summary>
    Task WriteAsync(VaultArchive archive, Guid patientId, CancellationToken cancellationToken);
}
