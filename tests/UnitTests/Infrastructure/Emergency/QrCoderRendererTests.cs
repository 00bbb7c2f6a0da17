using System.Buffers.Binary;
using System.Xml.Linq;
using MediVault.Application.Emergency;
using MediVault.Infrastructure.Emergency;

namespace MediVault.UnitTests.Infrastructure.Emergency;

public sealed class QrCoderRendererTests
{
    /// <summary>70 characters, like http://localhost/emergency/{43-character token}.</summary>
    private const string Url = "http://localhost/emergency/w82Opd903Y0Wfto5iA1zTEXU1fS_MEUMiYz_ZVrWwHs";

    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    [Fact]
    public void Render_Url_PngIsAPngImage()
    {
        var png = new QrCoderRenderer().Render(Url).Png;

        png.AsSpan(0, 8).ToArray().Should().Equal(PngSignature);
    }

    [Fact]
    public void Render_Url_UsesErrorCorrectionQ()
    {
        // 70 bytes fit version 4 at level L (33 modules), 5 at M (37), 6 at Q (41) and 7 at H (45). With the 4-module
        // quiet zone on each side and 10 pixels a module, only level Q gives a 490-pixel image.
        var png = new QrCoderRenderer().Render(Url).Png;

        var width = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16, 4));
        var height = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20, 4));
        width.Should().Be((41 + 8) * QrCoderRenderer.PixelsPerModule);
        height.Should().Be(width);
    }

    [Fact]
    public void Render_UrlAtCorrectionM_IsTheSmallerCodeOfLevelM()
    {
        // Version 5 (37 modules) at level M, against version 6 (41 modules) at Q; the SVG says the same in modules.
        var images = new QrCoderRenderer().Render(Url, QrCorrection.M);

        BinaryPrimitives.ReadInt32BigEndian(images.Png.AsSpan(16, 4)).Should().Be((37 + 8) * QrCoderRenderer.PixelsPerModule);
        XElement.Parse(images.Svg).Attribute("viewBox")!.Value.Should().Be("0 0 45 45");
    }

    [Fact]
    public void Render_Url_SvgIsAScalableThirtyMillimetreSquare()
    {
        var svg = XElement.Parse(new QrCoderRenderer().Render(Url).Svg);

        svg.Name.LocalName.Should().Be("svg");
        svg.Attribute("width")!.Value.Should().Be("30mm");
        svg.Attribute("height")!.Value.Should().Be("30mm");
        svg.Attribute("viewBox")!.Value.Should().Be("0 0 49 49");
    }
}
