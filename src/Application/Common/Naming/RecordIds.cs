namespace MediVault.Application.Common.Naming;

/// <summary>The ids of a patient's records to name, by kind.</summary>
public sealed record RecordIds(
    IReadOnlyCollection<Guid> Files, IReadOnlyCollection<Guid> QrCodes, IReadOnlyCollection<Guid> Grants, IReadOnlyCollection<Guid>? Links = null);
