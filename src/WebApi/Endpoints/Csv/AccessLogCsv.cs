using System.Globalization;
using System.Text;
using System.Text.Json;
using MediVault.Application.Audit;

namespace MediVault.WebApi.Endpoints.Csv;

/// <summary>
/// The access log as RFC 4180 CSV (UTF-8 with a byte-order mark so spreadsheet programs read accents right). Cells
/// that a spreadsheet would run as a formula (starting with =, +, -, @, tab or carriage return) get a leading
/// apostrophe: a file name is text, never a formula.
/// </summary>
public static class AccessLogCsv
{
    public const string ContentType = "text/csv; charset=utf-8";

    private static readonly string[] Header =
        ["When (UTC)", "Action", "Who", "Role", "What", "Name", "Outcome", "IP address", "Device", "Entry id"];

    public static byte[] Write(IEnumerable<AccessLogEntryDto> entries)
    {
        var csv = new StringBuilder();
        AppendRow(csv, Header);
        foreach (var e in entries)
        {
            AppendRow(csv,
            [
                e.Timestamp.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                Kebab(e.Action.ToString()),
                e.ActorName,
                Kebab(e.ActorRole.ToString()),
                e.ResourceType,
                e.ResourceName ?? "",
                e.Outcome == Domain.Audit.AccessOutcome.Success ? "Allowed" : "Denied",
                e.IpAddress ?? "",
                e.Device ?? "",
                e.Id.ToString(),
            ]);
        }
        return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(csv.ToString())];
    }

    private static string Kebab(string name) => JsonNamingPolicy.KebabCaseLower.ConvertName(name);

    private static void AppendRow(StringBuilder csv, string[] cells)
    {
        for (var i = 0; i < cells.Length; i++)
        {
            if (i > 0)
                csv.Append(',');
            csv.Append(Escape(cells[i]));
        }
        csv.Append("\r\n");
    }

    internal static string Escape(string cell)
    {
        if (cell.Length > 0 && "=+-@\t\r".Contains(cell[0], StringComparison.Ordinal))
            cell = "'" + cell;
        return cell.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + cell.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : cell;
    }
}
