namespace MediVault.Application.Emergency;

/// <summary>Draws a QR code. Implemented with QRCoder in Infrastructure.</summary>
public interface IQrCodeRenderer
{
    /// <summary>The QR code of <paramref name="content"/>, error correction level Q unless asked otherwise, as PNG bytes and as an SVG document.</summary>
    QrCodeImages Render(string content, QrCorrection correction = QrCorrection.Q);
}

/// <summary>
/// QR error correction: <c>Q</c> (a quarter may be damaged) for printed emergency codes; <c>M</c> (15 %) for SMART
/// Health Links, as their specification recommends for their longer content.
/// </summary>
public enum QrCorrection
{
    M,
    Q,
}

public sealed record QrCodeImages(byte[] Png, string Svg);
