using MediVault.Infrastructure.Configuration;
using MediVault.Infrastructure.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NSubstitute;

namespace MediVault.UnitTests.Infrastructure.Storage;

/// <summary>An encrypted file store over a fresh temp data directory.</summary>
internal sealed class TempStore : IDisposable
{
    public TempStore(string? configuredMasterKey = null, string? root = null)
    {
        Root = root ?? Path.Combine(Path.GetTempPath(), "medivault-store-" + Guid.NewGuid().ToString("N"));
        var options = new MediVaultOptions { DataDirectory = Root, MasterKey = configuredMasterKey };
        var environment = Substitute.For<IHostEnvironment>();
        environment.ContentRootPath.Returns(Path.GetTempPath());
        Data = DataDirectory.Resolve(options, environment);
        MasterKey = new MasterKey(Options.Create(options), Data, NullLogger<MasterKey>.Instance);
        Store = new EncryptedFileStore(Data, MasterKey, NullLogger<EncryptedFileStore>.Instance);
    }

    public string Root { get; }
    public DataDirectory Data { get; }
    public MasterKey MasterKey { get; }
    public EncryptedFileStore Store { get; }

    public async Task<(string StorageKey, byte[] WrappedKey)> PutAsync(byte[] content)
    {
        await using var staged = await Store.StageAsync(new MemoryStream(content), new RecordingObserver(), CancellationToken.None);
        await staged.PublishAsync(CancellationToken.None);
        return (staged.StorageKey, staged.WrappedKey);
    }

    public async Task<byte[]> ReadAllAsync(string storageKey, byte[] wrappedKey)
    {
        await using var stream = Store.OpenRead(storageKey, wrappedKey);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    /// <summary>Keeps every byte it is shown, to check the store shows each byte once and in order.</summary>
    internal sealed class RecordingObserver : MediVault.Application.Common.Abstractions.IContentObserver
    {
        private readonly List<byte> _seen = [];
        public byte[] Seen => [.. _seen];
        public int Pieces { get; private set; }

        public void Observe(ReadOnlySpan<byte> piece)
        {
            Pieces++;
            _seen.AddRange(piece);
        }
    }

    public void Dispose()
    {
        MasterKey.Dispose();
        Directory.Delete(Root, recursive: true);
    }
}
