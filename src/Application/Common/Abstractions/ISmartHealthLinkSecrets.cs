namespace MediVault.Application.Common.Abstractions;

/// <summary>
/// The master-key side of SMART Health Links (docs/emergency.md): a long-term link's key is kept wrapped, as file keys
/// are, and a file's <c>location</c> address is a sealed, expiring token that only this server can open.
/// </summary>
public interface ISmartHealthLinkSecrets
{
    /// <summary>The link key wrapped by the master key, bound to the link's id.</summary>
    byte[] WrapLinkKey(ReadOnlySpan<byte> linkKey, Guid linkId);

    /// <summary>The link key; a <see cref="StoredContentCorruptException"/> when the wrapping is not this link's or was altered.</summary>
    byte[] UnwrapLinkKey(byte[] wrapped, Guid linkId);

    /// <summary>An unguessable token (base64url) naming one entry of one link until <see cref="ShlFileLocation.ExpiresAt"/>.</summary>
    string SealLocation(ShlFileLocation location);

    /// <summary>What a token names, or null when it was not made here, was altered or is malformed. Expiry is the caller's to check.</summary>
    ShlFileLocation? OpenLocation(string token);
}

/// <summary>One entry of one link, until a time (UTC).</summary>
public sealed record ShlFileLocation(Guid LinkId, Guid EntryId, DateTime ExpiresAt);

/// <summary>The public addresses of SMART Health Links. Implemented by the WebApi, which knows the origin.</summary>
public interface ISmartHealthLinkAddresses
{
    /// <summary><c>{PublicBaseUrl}/api/shl/m/{manifestId}</c>: the payload's <c>url</c>.</summary>
    string ManifestUrl(string manifestId);

    /// <summary><c>{PublicBaseUrl}/api/shl/f/{token}</c>: a manifest entry's <c>location</c>.</summary>
    string LocationUrl(string token);

    /// <summary><c>{PublicBaseUrl}/shl#{shlink}</c>: the viewer with the link in its fragment, never sent to a server.</summary>
    string ViewerUrl(string shlink);
}
