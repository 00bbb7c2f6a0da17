using MediVault.Application.Emergency;
using QRCoder;

namespace MediVault.Infrastructure.Emergency;

/// <summary>
/// Renders with QRCoder at error correction level Q (a quarter of the code may be damaged or dirty, as wallet cards get).
/// The PNG has 10 pixels a module and the standard 4-module quiet zone. The SVG scales (viewBox) and says it is
/// 30 mm square, which fits a wallet card (85.6 × 54 mm) with modules of about 0.6 mm, easy for any phone to read.
/// </summary>
internal sealed class QrCoderRenderer : IQrCodeRenderer
{
    public const int PixelsPerModule = 10;
    public const string PrintSize = "30mm";

    public QrCodeImages Render(string content, QrCorrection correction = QrCorrection.Q)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(content, correction == QrCorrection.M ? QRCodeGenerator.ECCLevel.M : QRCodeGenerator.ECCLevel.Q);
        using var png = new PngByteQRCode(data);
        using var svg = new SvgQRCode(data);
        return new QrCodeImages(
            png.GetGraphic(PixelsPerModule, drawQuietZones: true),
            WithPrintSize(svg.GetGraphic(PixelsPerModule, "#000000", "#ffffff", drawQuietZones: true, SvgQRCode.SizingMode.ViewBoxAttribute)));
    }

    private static string WithPrintSize(string svg) =>
        svg.StartsWith("<svg ", StringComparison.Ordinal)
            ? $"<svg width=\"{PrintSize}\" height=\"{PrintSize}\" " + svg["<svg ".Length..]
            : svg;
}
