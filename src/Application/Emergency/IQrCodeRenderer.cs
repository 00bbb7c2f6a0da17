namespace MediVault.Application.Emergency;

/// <summary>Draws a QR code. Implemented with QRCoder in Infrastructure.</summary>
public interface IQrCodeRenderer
{
    /// <summary>The QR code of <paramref name="content"/>, error correction level Q, as PNG bytes and as an SVG document.</summary>
    QrCodeImages Render(string content);
}

public sealed record QrCodeImages(byte[] Png, string Svg);
