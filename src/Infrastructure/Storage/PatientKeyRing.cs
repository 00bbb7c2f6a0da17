using System.Data;
using System.Data.Common;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace MediVault.Infrastructure.Storage;

/// <summary>
/// Seals and opens a patient's medical text under the patient's data key (<see cref="PatientDataKey"/>), making the key
/// on first need. Keys are read with plain commands on the context's own connection and transaction, because this runs
/// while EF Core saves or materializes (where the context itself cannot be asked). Each context remembers the wrapped
/// keys it read for as long as one request holds it (contexts are pooled: a new lease starts with nothing remembered);
/// an unwrapped key lives only for one seal or open, or one page of descriptions (<see cref="CipherFor"/>), and is
/// zeroed or freed after.
/// </summary>
internal sealed class PatientKeyRing(MasterKey masterKey)
{
    private readonly ConditionalWeakTable<DbContext, LeaseCache> _wrappedKeys = new();

    /// <summary>The wrapped keys a context read during its current lease from the context pool.</summary>
    private sealed class LeaseCache
    {
        public int Lease = -1;
        public readonly Dictionary<Guid, byte[]> Keys = [];
    }

    public byte[] Seal(DbContext context, Guid patientId, string text, string table, Guid rowId)
    {
        Span<byte> key = stackalloc byte[BlobFormat.KeyLength];
        masterKey.UnwrapPatientKey(Find(context, patientId) ?? Create(context, patientId), patientId, key);
        try
        {
            return SealedText.Seal(key, text, table, rowId);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    /// <summary>The text, or a <see cref="CryptographicException"/> when the key is gone (crypto-erased) or the value is damaged.</summary>
    public string Open(DbContext context, Guid patientId, byte[] sealedValue, string table, Guid rowId)
    {
        using var aes = CipherFor(context, patientId);
        return SealedText.Open(aes, sealedValue, table, rowId);
    }

    /// <summary>
    /// An AES-GCM context holding the patient's unwrapped key, for opening several of the patient's values with one
    /// unwrapping (<see cref="SealedText.Open"/>); the caller disposes it. The key is unwrapped on the stack and zeroed
    /// once the context has it: it is kept in OpenSSL's memory, never on the managed heap, and freed with the context.
    /// A <see cref="CryptographicException"/> when the key is gone (crypto-erased).
    /// </summary>
    public AesGcm CipherFor(DbContext context, Guid patientId)
    {
        var wrapped = Find(context, patientId) ?? throw new CryptographicException("The patient's data key no longer exists.");
        Span<byte> key = stackalloc byte[BlobFormat.KeyLength];
        masterKey.UnwrapPatientKey(wrapped, patientId, key);
        try
        {
            return new AesGcm(key, BlobFormat.TagLength);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    /// <summary>Forgets what <paramref name="context"/> remembered of the patient's key (after the key was destroyed).</summary>
    public void Forget(DbContext context, Guid patientId)
    {
        var cache = CacheOf(context);
        lock (cache)
            cache.Remove(patientId);
    }

    private Dictionary<Guid, byte[]> CacheOf(DbContext context)
    {
        var lease = _wrappedKeys.GetOrCreateValue(context);
        lock (lease)
        {
            if (lease.Lease != context.ContextId.Lease)
            {
                lease.Keys.Clear();
                lease.Lease = context.ContextId.Lease;
            }
            return lease.Keys;
        }
    }

    private byte[]? Find(DbContext context, Guid patientId)
    {
        var cache = CacheOf(context);
        lock (cache)
        {
            if (cache.TryGetValue(patientId, out var known))
                return known;
        }
        var wrapped = Execute(context, $"SELECT \"WrappedKey\" FROM \"{PatientDataKey.Table}\" WHERE \"PatientId\" = @patient",
            command => command.ExecuteScalar() as byte[], patientId);
        if (wrapped is not null)
        {
            var current = CacheOf(context);
            lock (current)
                current[patientId] = wrapped;
        }
        return wrapped;
    }

    /// <summary>Makes the patient's key; when another request made one at the same moment, theirs is kept and used.</summary>
    private byte[] Create(DbContext context, Guid patientId)
    {
        var dataKey = RandomNumberGenerator.GetBytes(BlobFormat.KeyLength);
        try
        {
            var wrapped = masterKey.WrapPatientKey(dataKey, patientId);
            Execute(context, $"INSERT INTO \"{PatientDataKey.Table}\" (\"PatientId\", \"WrappedKey\") VALUES (@patient, @key) ON CONFLICT DO NOTHING",
                command =>
                {
                    var key = command.CreateParameter();
                    key.ParameterName = "@key";
                    key.Value = wrapped;
                    command.Parameters.Add(key);
                    return command.ExecuteNonQuery();
                }, patientId);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dataKey);
        }
        return Find(context, patientId) ?? throw new InvalidOperationException("The patient's data key could not be stored.");
    }

    private static T Execute<T>(DbContext context, string sql, Func<DbCommand, T> run, Guid patientId)
    {
        var connection = context.Database.GetDbConnection();
        var opened = connection.State != ConnectionState.Open;
        if (opened)
            context.Database.OpenConnection();
        try
        {
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            command.Transaction = context.Database.CurrentTransaction?.GetDbTransaction();
            var patient = command.CreateParameter();
            patient.ParameterName = "@patient";
            patient.Value = patientId; // bound as EF Core stores it: upper-case text on SQLite, uuid on PostgreSQL
            command.Parameters.Add(patient);
            return run(command);
        }
        finally
        {
            if (opened)
                context.Database.CloseConnection();
        }
    }
}
