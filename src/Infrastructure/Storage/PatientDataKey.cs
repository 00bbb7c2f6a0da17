namespace MediVault.Infrastructure.Storage;

/// <summary>A patient's data key for their medical text, wrapped by the master key. One row per patient, made on first need.</summary>
internal sealed class PatientDataKey
{
    public const string Table = "PatientDataKeys";

    public Guid PatientId { get; set; }
    public byte[] WrappedKey { get; set; } = [];
}
