namespace MediVault.Application.Common.Abstractions;

/// <summary>
/// Each patient's medical text (the emergency profile's content and contacts, the descriptions of their files) is
/// stored sealed under the patient's own data key, which is kept only wrapped by the master key (docs/storage.md,
/// "Medical text"). Sealing and opening happen as rows are saved and read; this port is what use cases need beyond that.
/// </summary>
public interface IPatientDataKeys
{
    /// <summary>
    /// Crypto-erases the patient's medical text: deletes the patient's wrapped data key at once (inside the caller's
    /// transaction when one is open), so every sealed text of the patient can never be opened again, wherever a copy of
    /// it is. Reading such a row afterwards fails; delete the rows too. Call <see cref="ISecureErasure"/> after the
    /// commit to clear the old key out of the write-ahead log. False when the patient had no key.
    /// </summary>
    Task<bool> DestroyAsync(Guid patientId, CancellationToken cancellationToken);
}
