namespace CarTConsortium.Portal.Charts;

/// <summary>
/// Maps a data interval linearly onto a pixel interval. SVG's y axis runs downwards, so a
/// vertical scale is made with its range reversed (bottom pixel first).
/// </summary>
internal sealed class LinearScale
{
    public LinearScale(double domainMin, double domainMax, double rangeMin, double rangeMax)
    {
        if (!(domainMax > domainMin))
        {
            throw new ArgumentOutOfRangeException(nameof(domainMax), domainMax, "The domain must not be empty.");
        }
        DomainMin = domainMin;
        DomainMax = domainMax;
        RangeMin = rangeMin;
        RangeMax = rangeMax;
    }

    public double DomainMin { get; }
    public double DomainMax { get; }
    public double RangeMin { get; }
    public double RangeMax { get; }

    /// <summary>The pixel of a value; values outside the domain are clamped so that nothing is drawn off the chart.</summary>
    public double Map(double value)
    {
        var clamped = Math.Clamp(value, DomainMin, DomainMax);
        return RangeMin + (clamped - DomainMin) * (RangeMax - RangeMin) / (DomainMax - DomainMin);
    }

    /// <summary>Round tick values (1, 2 or 5 times a power of ten apart) from the domain's start to its end.</summary>
    public IReadOnlyList<double> Ticks(int roughCount)
    {
        var step = NiceStep((DomainMax - DomainMin) / Math.Max(1, roughCount));
        var ticks = new List<double>();
        var first = Math.Ceiling(DomainMin / step);
        var last = Math.Floor(DomainMax / step + 1e-9);
        for (var i = first; i <= last; i++)
        {
            // Rounded so that 0.1 * 3 reads 0.3, not 0.30000000000000004.
            ticks.Add(Math.Round(i * step, 10));
        }
        return ticks;
    }

    /// <summary>The smallest multiple of a round step at or above the value: where an axis that must show it can end.</summary>
    public static double NiceCeiling(double value, int roughTicks)
    {
        if (value <= 0)
        {
            return 1;
        }
        var step = NiceStep(value / Math.Max(1, roughTicks));
        return Math.Ceiling(value / step - 1e-9) * step;
    }

    /// <summary>1, 2, 5 or 10 times the power of ten just below the raw step.</summary>
    public static double NiceStep(double raw)
    {
        if (raw <= 0 || double.IsNaN(raw) || double.IsInfinity(raw))
        {
            return 1;
        }
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        var residual = raw / magnitude;
        var nice = residual <= 1 ? 1 : residual <= 2 ? 2 : residual <= 5 ? 5 : 10;
        return nice * magnitude;
    }
}
