using System.Text;

namespace Katas.Grading;

/// <summary>
/// The base of the writers a grader hands to the student's code: every Write and WriteLine overload ends in one call of
/// <see cref="Write(string)"/> with the whole text, a WriteLine's value and its line end together, as Console.Out does.
/// </summary>
/// <remarks>
/// TextWriter's own WriteLine overloads write the value and then the line's end in two calls (measured on .NET 10: every
/// overload but string and object does), so two threads printing lines at once through a plain TextWriter subclass can
/// give "line 1line 2" and two empty lines, and the student would be blamed for the grader's writer.
/// </remarks>
public abstract class LineWriter : TextWriter
{
    public override Encoding Encoding => Encoding.UTF8;

    /// <summary>Everything written comes here, a line and its end in one call.</summary>
    public abstract override void Write(string? value);

    public override void Write(char value) => Write(value.ToString());

    public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));

    public override void Write(ReadOnlySpan<char> buffer) => Write(new string(buffer));

    public override void WriteLine() => Write(NewLine);

    public override void WriteLine(string? value) => Write(value + NewLine);

    public override void WriteLine(int value) => WriteLine(value.ToString(FormatProvider));

    public override void WriteLine(uint value) => WriteLine(value.ToString(FormatProvider));

    public override void WriteLine(long value) => WriteLine(value.ToString(FormatProvider));

    public override void WriteLine(ulong value) => WriteLine(value.ToString(FormatProvider));

    public override void WriteLine(float value) => WriteLine(value.ToString(FormatProvider));

    public override void WriteLine(double value) => WriteLine(value.ToString(FormatProvider));

    public override void WriteLine(decimal value) => WriteLine(value.ToString(FormatProvider));

    public override void WriteLine(bool value) => WriteLine(value.ToString());

    public override void WriteLine(char value) => WriteLine(value.ToString());

    public override void WriteLine(char[]? buffer) => WriteLine(new string(buffer));

    public override void WriteLine(char[] buffer, int index, int count) => WriteLine(new string(buffer, index, count));

    public override void WriteLine(ReadOnlySpan<char> buffer) => WriteLine(new string(buffer));

    public override void WriteLine(StringBuilder? value) => WriteLine(value?.ToString());
}
