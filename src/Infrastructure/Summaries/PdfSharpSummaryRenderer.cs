using System.Globalization;
using MediVault.Application.Emergency;
using MediVault.Application.Fhir.Ips;
using PdfSharp;
using PdfSharp.Drawing;
using PdfSharp.Pdf;

namespace MediVault.Infrastructure.Summaries;

/// <summary>
/// The printable summary: A4 portrait, black text on white, weight and words instead of colour (a severe allergy says
/// "SEVERE"), so it reads the same on a black-and-white printer. A typical profile fits one page; a longer one flows on.
/// </summary>
internal sealed class PdfSharpSummaryRenderer : ISummaryPdfRenderer
{
    private const double Margin = 48;
    private const double BodySize = 10.5;

    public byte[] Render(IpsSummary summary, DateTime generatedAt)
    {
        ArgumentNullException.ThrowIfNull(summary);
        EmbeddedFontResolver.EnsureInstalled();
        using var document = new PdfDocument();
        document.Info.Title = "Patient summary (MediVault)";
        document.Info.Creator = "MediVault";
        using (var writer = new PageWriter(document))
            Write(writer, summary, generatedAt);
        using var output = new MemoryStream();
        document.Save(output, closeStream: false);
        return output.ToArray();
    }

    private static void Write(PageWriter page, IpsSummary summary, DateTime generatedAt)
    {
        page.Line("Patient summary", page.Title);
        page.Line(summary.PatientName, page.Name);
        var facts = new List<string>();
        if (summary.BirthDate is { Length: > 0 } born)
            facts.Add($"Born {born}");
        facts.Add($"Blood type {summary.BloodType ?? "unknown"}");
        page.Line(string.Join("   ·   ", facts), page.Body);
        page.Space(6);

        if (!summary.HasProfile)
        {
            page.Paragraph("The patient has not filled in an emergency profile yet: allergies, medications and problems are unavailable.", page.Body);
        }
        else
        {
            page.Heading("Allergies and intolerances");
            page.Items(summary.Allergies, a => (a.HighCriticality ? $"{a.Substance} — SEVERE" : a.Substance, a.Reaction), "No known allergies");
            page.Heading("Medications");
            page.Items(summary.Medications, m => (m.Name, m.Detail), "No medications recorded");
            page.Heading("Problems");
            page.Items(summary.Problems, p => (p.Name, p.Detail), "No problems recorded");
            page.Heading("Emergency contacts");
            page.Items(summary.EmergencyContacts, c => (c.Name, c.Detail), "None recorded");
        }

        page.Space(10);
        page.Paragraph(
            $"Generated {generatedAt.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC by MediVault from the patient's " +
            "International Patient Summary. Entered by the patient; not verified by a clinician.", page.Small);
    }

    /// <summary>Writes lines top to bottom, wrapping words to the text width and starting a new page when one is full.</summary>
    private sealed class PageWriter : IDisposable
    {
        private readonly PdfDocument document;
        private XGraphics graphics = null!;
        private double y;
        private double width;
        private double bottom;

        public XFont Title { get; } = new(EmbeddedFontResolver.Family, 11, XFontStyleEx.Bold);
        public XFont Name { get; } = new(EmbeddedFontResolver.Family, 20, XFontStyleEx.Bold);
        public XFont HeadingFont { get; } = new(EmbeddedFontResolver.Family, 13, XFontStyleEx.Bold);
        public XFont Strong { get; } = new(EmbeddedFontResolver.Family, BodySize, XFontStyleEx.Bold);
        public XFont Body { get; } = new(EmbeddedFontResolver.Family, BodySize, XFontStyleEx.Regular);
        public XFont Small { get; } = new(EmbeddedFontResolver.Family, 8.5, XFontStyleEx.Regular);

        public PageWriter(PdfDocument document)
        {
            this.document = document;
            NewPage();
        }

        public void Heading(string text)
        {
            EnsureRoom(HeadingFont.Height * 3);
            Space(8);
            Line(text, HeadingFont);
            graphics.DrawLine(new XPen(XColors.Black, 0.75), Margin, y, Margin + width, y);
            Space(4);
        }

        public void Items<T>(IReadOnlyList<T> items, Func<T, (string Name, string? Detail)> describe, string none)
        {
            if (items.Count == 0)
            {
                Line(none, Body);
                return;
            }
            foreach (var item in items)
            {
                var (name, detail) = describe(item);
                Paragraph($"• {name}", Strong);
                if (!string.IsNullOrWhiteSpace(detail))
                    Paragraph(detail, Body, indent: 12);
                Space(2);
            }
        }

        public void Line(string text, XFont font) => Paragraph(text, font);

        public void Paragraph(string text, XFont font, double indent = 0)
        {
            foreach (var line in Wrap(text, font, width - indent))
            {
                EnsureRoom(font.Height);
                graphics.DrawString(line, font, XBrushes.Black, new XRect(Margin + indent, y, width - indent, font.Height), XStringFormats.TopLeft);
                y += font.Height * 1.15;
            }
        }

        public void Space(double points) => y += points;

        public void Dispose() => graphics.Dispose();

        private void EnsureRoom(double height)
        {
            if (y + height <= bottom)
                return;
            graphics.Dispose();
            NewPage();
        }

        private void NewPage()
        {
            var page = document.AddPage();
            page.Size = PageSize.A4;
            graphics = XGraphics.FromPdfPage(page);
            width = page.Width.Point - 2 * Margin;
            bottom = page.Height.Point - Margin;
            y = Margin;
        }

        private IEnumerable<string> Wrap(string text, XFont font, double maxWidth)
        {
            foreach (var paragraph in text.Replace("\r", "", StringComparison.Ordinal).Split('\n'))
            {
                var line = "";
                foreach (var word in paragraph.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    var candidate = line.Length == 0 ? word : $"{line} {word}";
                    if (graphics.MeasureString(candidate, font).Width <= maxWidth || line.Length == 0)
                    {
                        line = candidate;
                        continue;
                    }
                    yield return line;
                    line = word;
                }
                yield return line;
            }
        }
    }
}
