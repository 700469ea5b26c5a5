namespace CarTConsortium.BuildingBlocks.Errors;

/// <summary>
/// Characters no name or free text of the platform may hold: they make what a reader sees
/// differ from what is stored. NUL and the other C0/C1 controls (tab, line feed and carriage
/// return stay allowed everywhere, for multi-line text); the bidirectional overrides, embeddings,
/// isolates and marks (a "right-to-left override" shows "exe.txt" for "txt.exe"); and the
/// zero-width and invisible format characters (two names that look alike but differ).
/// </summary>
public static class UnsafeText
{
    /// <summary>The index of the first unsafe character of <paramref name="text"/>, or -1 when there is none.</summary>
    public static int FirstUnsafe(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        for (var i = 0; i < text.Length; i++)
        {
            if (IsUnsafe(text[i]))
            {
                return i;
            }
        }
        return -1;
    }

    public static bool IsUnsafe(char c) => c switch
    {
        '\t' or '\n' or '\r' => false,
        <= '\u001F' or (>= '\u007F' and <= '\u009F') => true, // C0, DEL, C1
        '\u061C' => true, // Arabic letter mark
        >= '\u200B' and <= '\u200F' => true, // zero-width space/joiners, LRM, RLM
        >= '\u202A' and <= '\u202E' => true, // bidi embeddings and overrides
        >= '\u2060' and <= '\u2064' => true, // word joiner, invisible operators
        >= '\u2066' and <= '\u2069' => true, // bidi isolates
        '\uFEFF' => true, // zero-width no-break space (BOM)
        _ => false,
    };

    /// <summary>What a field violation says about <paramref name="text"/> at <paramref name="index"/>: the code point, never the text.</summary>
    public static string Describe(string text, int index)
    {
        ArgumentNullException.ThrowIfNull(text);
        return $"must not contain control, bidirectional or invisible characters (U+{(int)text[index]:X4} at position {index})";
    }
}
