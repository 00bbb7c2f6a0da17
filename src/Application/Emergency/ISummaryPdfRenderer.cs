using MediVault.Application.Fhir.Ips;

namespace MediVault.Application.Emergency;

/// <summary>Lays out a patient summary as a printable PDF. Implemented in Infrastructure (PDFsharp).</summary>
public interface ISummaryPdfRenderer
{
    /// <summary>The PDF's bytes: A4, black on white, one page when the content fits.</summary>
    byte[] Render(IpsSummary summary, DateTime generatedAt);
}
