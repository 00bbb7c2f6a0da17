using MediVault.Application.Common.Naming;

namespace MediVault.Application.Common.Abstractions;

/// <summary>
/// What a patient's records are called, for that patient: a file's name, a QR code's label, the doctor of an access
/// grant, a SMART Health Link's label (issue 17). Every lookup is limited to records the patient owns, so an id of
/// someone else's record is never named; callers ask only when the reader is the owner (issue 15: the access log and the
/// ledger name records for their owner).
/// </summary>
public interface IOwnedRecordNames
{
    /// <summary>The names found, by record id; a record without a name, or not the owner's, is left out.</summary>
    Task<IReadOnlyDictionary<Guid, string>> FindAsync(Guid ownerId, RecordIds ids, CancellationToken cancellationToken);
}
