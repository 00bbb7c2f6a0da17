using System.Reflection;
using PdfSharp.Fonts;

namespace MediVault.Infrastructure.Summaries;

/// <summary>
/// PDFsharp 6 finds no system fonts on Linux, so the summary brings its own: DejaVu Sans regular and bold (Bitstream
/// Vera licence, Summaries/Fonts/DejaVu-LICENSE.txt), embedded in this assembly. Every family resolves to it, so a
/// fresh machine without any font package renders the same PDF.
/// </summary>
internal sealed class EmbeddedFontResolver : IFontResolver
{
    public const string Family = "DejaVu Sans";
    private const string Regular = "DejaVuSans";
    private const string Bold = "DejaVuSans-Bold";

    private static readonly Lazy<bool> Installed = new(() =>
    {
        GlobalFontSettings.FontResolver = new EmbeddedFontResolver();
        return true;
    });

    /// <summary>Sets the resolver once per process, before PDFsharp's first font operation.</summary>
    public static void EnsureInstalled() => _ = Installed.Value;

    public FontResolverInfo? ResolveTypeface(string familyName, bool isBold, bool isItalic) =>
        new(isBold ? Bold : Regular, mustSimulateBold: false, mustSimulateItalic: isItalic);

    public byte[]? GetFont(string faceName)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"MediVault.Infrastructure.Summaries.Fonts.{faceName}.ttf");
        if (stream is null)
            return null;
        using var bytes = new MemoryStream();
        stream.CopyTo(bytes);
        return bytes.ToArray();
    }
}
