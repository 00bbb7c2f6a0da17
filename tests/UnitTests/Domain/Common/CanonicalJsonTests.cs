using MediVault.Domain.Common;

namespace MediVault.UnitTests.Domain.Common;

public sealed class CanonicalJsonTests
{
    [Fact]
    public void Serialize_Keys_SortedByUtf16CodeUnitWithoutWhitespace()
    {
        var value = new Dictionary<string, object?> { ["b"] = true, ["B"] = false, ["a"] = null, ["é"] = "x", ["z"] = "y" };

        CanonicalJson.Serialize(value).Should().Be("""{"B":false,"a":null,"b":true,"z":"y","é":"x"}""");
    }

    [Fact]
    public void Serialize_Strings_EscapeOnlyWhatJsonRequires()
    {
        var text = "quote\" backslash\\ slash/ tab\t nl\n cr\r bs\b ff\f bell\u0007 nul\0 unit\u001f del\u007f é 😀 <html>";

        CanonicalJson.Serialize(text).Should().Be(
            "\"quote\\\" backslash\\\\ slash/ tab\\t nl\\n cr\\r bs\\b ff\\f bell\\u0007 nul\\u0000 unit\\u001f del\u007f é 😀 <html>\"");
    }

    [Fact]
    public void Serialize_NestedArraysAndObjects_KeepArrayOrder()
    {
        var value = new Dictionary<string, object?>
        {
            ["list"] = new object?[] { "2", "1", new Dictionary<string, object?> { ["y"] = "1", ["x"] = "2" }, new List<string>() },
        };

        CanonicalJson.Serialize(value).Should().Be("""{"list":["2","1",{"x":"2","y":"1"},[]]}""");
    }

    [Fact]
    public void Serialize_Number_IsRefused()
    {
        var act = () => CanonicalJson.Serialize(new Dictionary<string, object?> { ["n"] = 1.5 });

        act.Should().Throw<ArgumentException>().WithMessage("Double has no canonical JSON form here.*");
    }
}
