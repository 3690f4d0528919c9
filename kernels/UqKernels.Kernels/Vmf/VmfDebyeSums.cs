using System.Numerics;
using System.Runtime.CompilerServices;
using UqKernels.Kernels.Math;

namespace UqKernels.Kernels.Vmf;

/// <summary>
/// The Debye (Olver uniform) correction sums of vmf_mcinfonce.md §3.1/§3.5, in <c>(ν, κ, r)</c> form:
/// <c>Σ₀ = Σ_{k=1}^{12} v_k(τ)/r^k</c>, <c>Σ₁ = Σ (T_k v_k)(τ)/r^k</c>, <c>Σ₂ = Σ (T_k T_k v_k)(τ)/r^k</c>, with
/// <c>v_k(τ) = u_k(t)/t^k</c>, <c>τ = t² = ν²/r²</c>, <c>T_k[f](τ) = 2τ f′(τ) + k f(τ)</c> (so that
/// <c>dΣ₀/dκ = −(κ/r²)Σ₁</c> and <c>dΣ₁/dκ = −(κ/r²)Σ₂</c>).
/// </summary>
/// <remarks>
/// The coefficients were generated exactly with rational arithmetic from DLMF 10.41.10
/// (<c>u_{k+1} = ½t²(1−t²)u_k′ + ⅛∫₀ᵗ(1−5s²)u_k</c>) and rounded once to double; the products by <c>(k+2i)</c> and
/// <c>(k+2i)²</c> were formed exactly before rounding. Horner in τ per <c>k</c>, then Horner in <c>x = 1/r</c>, so no
/// power of <c>r</c> is formed (no overflow in f32 at <c>r = 10⁶</c>). The self-check <c>v_k(1) = u_k(1)</c> (the
/// Stirling coefficients of <c>1/Γ</c>) is in the tests.
/// </remarks>
public static class VmfDebyeSums
{
    /// <summary>Number of Debye terms <c>K</c>.</summary>
    public const int Terms = 12;

    /// <summary>Evaluates <c>Σ₀, Σ₁, Σ₂</c> at <paramref name="tau"/> <c>= ν²/r²</c> and <paramref name="x"/> <c>= 1/r</c>.</summary>
    public static void Evaluate<T, TReal>(T tau, T x, out T s0, out T s1, out T s2)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T> =>
        EvaluateLanes<T, ScalarLanes<T, TReal>>(tau, x, out s0, out s1, out s2);

    /// <summary>
    /// <see cref="Evaluate{T, TReal}"/> over any lane type: the same Horner sequence of multiplications and additions
    /// with the same constants (rounded to the element type by <see cref="IVmfLanes{TLane}.Constant"/>), so a SIMD lane
    /// type whose operations are the element-wise IEEE ones gives, lane by lane, bit for bit the scalar result. Devices
    /// use it through <see cref="Evaluate{T, TReal}"/>; the CPU backend evaluates several κ at once with vector lanes.
    /// </summary>
    /// <typeparam name="TLane">The lane type (a scalar <c>T</c> or a SIMD vector of <c>T</c>).</typeparam>
    /// <typeparam name="TLanes">Its arithmetic.</typeparam>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void EvaluateLanes<TLane, TLanes>(TLane tau, TLane x, out TLane s0, out TLane s1, out TLane s2)
        where TLane : unmanaged
        where TLanes : struct, IVmfLanes<TLane> =>
        EvaluateCore<TLane, TLanes, Yes>(tau, x, out s0, out s1, out s2);

    /// <summary>
    /// <see cref="EvaluateLanes{TLane, TLanes}"/> without <c>Σ₂</c> (which only <c>A′</c> needs): <c>Σ₀</c> and
    /// <c>Σ₁</c> bit-identical to it, a third less work.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void EvaluateLanesWithoutSecond<TLane, TLanes>(TLane tau, TLane x, out TLane s0, out TLane s1)
        where TLane : unmanaged
        where TLanes : struct, IVmfLanes<TLane> =>
        EvaluateCore<TLane, TLanes, No>(tau, x, out s0, out s1, out _);

    // Compiled fully optimised on first use, like its two halves: the CPU batch calls it once per vector of κ, and
    // tier-0 code of this SIMD-generic dispatcher (lane operations not inlined) would slow the first calls several-fold.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void EvaluateCore<TLane, TLanes, TSecond>(TLane tau, TLane x, out TLane s0, out TLane s1, out TLane s2)
        where TLane : unmanaged
        where TLanes : struct, IVmfLanes<TLane>
        where TSecond : struct, IPassFlag
    {
        s0 = TLanes.Constant(0.0);
        s1 = s0;
        s2 = s0;
        // Two halves, each its own method, so that the JIT's inlining budget covers every lane operation of each.
        HighTerms<TLane, TLanes, TSecond>(tau, x, ref s0, ref s1, ref s2);
        LowTerms<TLane, TLanes, TSecond>(tau, x, ref s0, ref s1, ref s2);
        s0 = TLanes.Multiply(s0, x);
        s1 = TLanes.Multiply(s1, x);
        s2 = TLanes.Multiply(s2, x);
    }

    /// <summary>Horner steps of <c>v_12 … v_7</c> (and their <c>T_k</c> images) into the running sums.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void HighTerms<TLane, TLanes, TSecond>(TLane tau, TLane x, ref TLane s0, ref TLane s1, ref TLane s2)
        where TLane : unmanaged
        where TLanes : struct, IVmfLanes<TLane>
        where TSecond : struct, IPassFlag
    {
        TLane zero = TLanes.Constant(0.0);
        TLane v;
        TLane tv;
        TLane ttv;
        // v_12: degree 12 in τ
        v = zero;
        tv = zero;
        ttv = zero;
        Step<TLane, TLanes, TSecond>(tau, ref v, ref tv, ref ttv, 814789096.1183121, 29332407460.259235, 1055966668569.3325);
        Step<TLane, TLanes, TSecond>(tau, ref v, ref tv, ref ttv, -5866481492.051847, -199460370729.76282, -6781652604811.936);
        Step<TLane, TLanes, TSecond>(tau, ref v, ref tv, ref ttv, 18688207509.295826, 598022640297.4664, 19136724489518.926);
        Step<TLane, TLanes, TSecond>(tau, ref v, ref tv, ref ttv, -34632043388.158775, -1038961301644.7633, -31168839049342.9);
        Step<TLane, TLanes, TSecond>(tau, ref v, ref tv, ref ttv, 41280185579.753975, 1155845196233.1113, 32363665494527.117);
        Step<TLane, TLanes, TSecond>(tau, ref v, ref tv, ref ttv, -33026599749.800724, -858691593494.8188, -22325981430865.29);
        Step<TLane, TLanes, TSecond>(tau, ref v, ref tv, ref ttv, 17954213731.1556, 430901129547.7344, 10341627109145.625);
        Step<TLane, TLanes, TSecond>(tau, ref v, ref tv, ref ttv, -6563293792.619285, -144392463437.62427, -3176634195627.7334);
        Step<TLane, TLanes, TSecond>(tau, ref v, ref tv, ref ttv, 1559279864.8792574, 31185597297.58515, 623711945951.703);
        Step<TLane, TLanes, TSecond>(tau, ref v, ref tv, ref ttv, -225105661.88941526, -4051901914.009475, -72934234452.17055);
        Step<TLane, TLanes, TSecond>(tau, ref v, ref tv, ref ttv, 17395107.553978164, 278321720.8636506, 4453147533.81841);
        Step<TLane, TLanes, TSecond>(tau, ref v, ref tv, ref ttv, -549842.3275722887, -7697792.586012041, -107769096.20416859);
        Step<TLane, TLanes, TSecond>(tau, ref v, ref tv, ref ttv, 3038.090510922384, 36457.08613106861, 437485.03357282333);
        s0 = TLanes.Add(TLanes.Multiply(s0, x), v);
        s1 = TLanes.Add(TLanes.Multiply(s1, x), tv);
        s2 = TLanes.Add(TLanes.Multiply(s2, x), ttv);

        // v_11: degree 11 in τ
        v = zero;
        tv = zero;
        ttv = zero;
        Step<TLane, TLanes, TSecond>(tau, ref v, ref tv, ref ttv, -49329253.66450996, -1627865370.9288287, -53719557240.65135);
        Step<TLane, TLanes, TSecond>(tau, ref v, ref tv, ref ttv, 325573074.18576574, 10092765299.758738, 312875724292.5209);
        Step<TLane, TLanes, TSecond>(tau, ref v, ref tv, ref ttv, -939462359.6815784, -27244408430.765774, -790087844492.2074);
        Step<TLane, TLanes, TSecond>(tau, ref v, ref tv, ref ttv, 1553596899.57058, 41947116288.40566, 1132572139786.953);
        Step<TLane, TLanes, TSecond>(tau, ref v, ref tv, ref ttv, -1621080552.1083372, -40527013802.70843, -1013175345067.7107);
        Step<TLane, TLanes, TSecond>(tau, ref v, ref tv, ref ttv, 1106842816.8230145, 25457384786.929333, 585519850099.3746);
        Step<TLane, TLanes, TSecond>(tau, ref v, ref tv, ref ttv, -495889784.2750303, -10413685469.775637, -218687394865.28836);
        Step<TLane, TLanes, TSecond>(tau, ref v, ref tv, ref ttv, 142062907.7975331, 2699195248.1531286, 51284709714.90945);
        Step<TLane, TLanes, TSecond>(tau, ref v, ref tv, ref ttv, -24474062.72573873, -416059066.3375584, -7073004127.738493);
        Step<TLane, TLanes, TSecond>(tau, ref v, ref tv, ref ttv, 2243768.1779224495, 33656522.66883674, 504847840.0325511);
        Step<TLane, TLanes, TSecond>(tau, ref v, ref tv, ref ttv, -84005.43360302408, -1092070.6368393132, -14196918.27891107);
        Step<TLane, TLanes, TSecond>(tau, ref v, ref tv, ref ttv, 551.3358961220206, 6064.694857342227, 66711.6434307645);
        s0 = TLanes.Add(TLanes.Multiply(s0, x), v);
        s1 = TLanes.Add(TLanes.Multiply(s1, x), tv);
        s2 = TLanes.Add(TLanes.Multiply(s2, x), ttv);

        // v_10: degree 10 in τ
        v = zero;
        tv = zero;
        ttv = zero;
        Step<TLane, TLanes, TSecond>(tau, ref v, ref tv, ref ttv, 3284469.853072038, 98534095.59216113, 2956022867.764834);
        Step<TLane, TLanes, TSecond>(tau, ref v, ref tv, ref ttv, -19706819.118432228, -551790935.3161024, -15450146188.850866);
        Step<TLane, TLanes, TSecond>(tau, ref v, ref tv, ref ttv, 50952602.49266464, 1324767664.8092806, 34443959285.0413);
        Step<TLane, TLanes, TSecond>(tau, ref v, ref tv, ref ttv, -74105148.21153265, -1778523557.076784, -42684565369.84281);
        Step<TLane, TLanes, TSecond>(tau, ref v, ref tv, ref ttv, 66344512.27472903, 1459579270.0440385, 32110743940.96885);
        Step<TLane, TLanes, TSecond>(tau, ref v, ref tv, ref ttv, -37567176.66076335, -751343533.2152671, -15026870664.30534);
        Step<TLane, TLanes, TSecond>(tau, ref v, ref tv, ref ttv, 13288767.166421818, 239197808.99559274, 4305560561.92067);
        Step<TLane, TLanes, TSecond>(tau, ref v, ref tv, ref ttv, -2785618.1280864547, -44569890.049383275, -713118240.7901324);
        Step<TLane, TLanes, TSecond>(tau, ref v, ref tv, ref ttv, 308186.4046126624, 4314609.664577274, 60404535.30408183);
        Step<TLane, TLanes, TSecond>(tau, ref v, ref tv, ref ttv, -13886.08975371704, -166633.0770446045, -1999596.9245352538);
        Step<TLane, TLanes, TSecond>(tau, ref v, ref tv, ref ttv, 110.01714026924674, 1100.1714026924674, 11001.714026924674);
        s0 = TLanes.Add(TLanes.Multiply(s0, x), v);
        s1 = TLanes.Add(TLanes.Multiply(s1, x), tv);
        s2 = TLanes.Add(TLanes.Multiply(s2, x), ttv);

        // v_9: degree 9 in τ
        v = zero;
        tv = zero;
        ttv = zero;
        Step<TLane, TLanes, TSecond>(tau, ref v, ref tv, ref ttv, -242919.18790055133, -6558818.073314886, -177088087.97950193);
        Step<TLane, TLanes, TSecond>(tau, ref v, ref tv, ref ttv, 1311763.6146629772, 32794090.36657443, 819852259.1643608);
        Step<TLane, TLanes, TSecond>(tau, ref v, ref tv, ref ttv, -2998015.9185381066, -68954366.12637645, -1585950420.9066584);
        Step<TLane, TLanes, TSecond>(tau, ref v, ref tv, ref ttv, 3763271.297656404, 79028697.25078449, 1659602642.2664742);
        Step<TLane, TLanes, TSecond>(tau, ref v, ref tv, ref ttv, -2813563.226586534, -53457701.305144146, -1015696324.7977388);
        Step<TLane, TLanes, TSecond>(tau, ref v, ref tv, ref ttv, 1268365.2733216248, 21562209.646467622, 366557563.9899496);
        Step<TLane, TLanes, TSecond>(tau, ref v, ref tv, ref ttv, -331645.1724845636, -4974677.587268454, -74620163.80902681);
        Step<TLane, TLanes, TSecond>(tau, ref v, ref tv, ref ttv, 45218.76898136273, 587843.9967577155, 7641971.957850301);
        Step<TLane, TLanes, TSecond>(tau, ref v, ref tv, ref ttv, -2499.8304818112097, -27498.135299923306, -302479.48829915636);
        Step<TLane, TLanes, TSecond>(tau, ref v, ref tv, ref ttv, 24.380529699556064, 219.42476729600457, 1974.8229056640412);
        s0 = TLanes.Add(TLanes.Multiply(s0, x), v);
        s1 = TLanes.Add(TLanes.Multiply(s1, x), tv);
        s2 = TLanes.Add(TLanes.Multiply(s2, x), ttv);

        // v_8: degree 8 in τ
        v = zero;
        tv = zero;
        ttv = zero;
        Step<TLane, TLanes, TSecond>(tau, ref v, ref tv, ref ttv, 20204.29133096615, 484902.99194318755, 11637671.806636501);
        Step<TLane, TLanes, TSecond>(tau, ref v, ref tv, ref ttv, -96980.59838863752, -2133573.1645500255, -46938609.62010056);
        Step<TLane, TLanes, TSecond>(tau, ref v, ref tv, ref ttv, 192547.00123253153, 3850940.0246506305, 77018800.4930126);
        Step<TLane, TLanes, TSecond>(tau, ref v, ref tv, ref ttv, -203400.17728041555, -3661203.1910474794, -65901657.438854635);
        Step<TLane, TLanes, TSecond>(tau, ref v, ref tv, ref ttv, 122200.46498301746, 1955207.4397282794, 31283319.03565247);
        Step<TLane, TLanes, TSecond>(tau, ref v, ref tv, ref ttv, -41192.65496889755, -576697.1695645658, -8073760.37390392);
        Step<TLane, TLanes, TSecond>(tau, ref v, ref tv, ref ttv, 7109.514302489364, 85314.17162987236, 1023770.0595584684);
        Step<TLane, TLanes, TSecond>(tau, ref v, ref tv, ref ttv, -493.915304773088, -4939.15304773088, -49391.5304773088);
        Step<TLane, TLanes, TSecond>(tau, ref v, ref tv, ref ttv, 6.074042001273483, 48.592336010187864, 388.7386880815029);
        s0 = TLanes.Add(TLanes.Multiply(s0, x), v);
        s1 = TLanes.Add(TLanes.Multiply(s1, x), tv);
        s2 = TLanes.Add(TLanes.Multiply(s2, x), ttv);

        // v_7: degree 7 in τ
        v = zero;
        tv = zero;
        ttv = zero;
        Step<TLane, TLanes, TSecond>(tau, ref v, ref tv, ref ttv, -1919.457662318407, -40308.61090868655, -846480.8290824175);
        Step<TLane, TLanes, TSecond>(tau, ref v, ref tv, ref ttv, 8061.722181737309, 153172.72145300888, 2910281.7076071687);
        Step<TLane, TLanes, TSecond>(tau, ref v, ref tv, ref ttv, -13586.550006434138, -230971.35010938035, -3926512.951859466);
        Step<TLane, TLanes, TSecond>(tau, ref v, ref tv, ref ttv, 11655.393336864534, 174830.900052968, 2622463.50079452);
        Step<TLane, TLanes, TSecond>(tau, ref v, ref tv, ref ttv, -5305.646978613403, -68973.41072197424, -896654.3393856651);
        Step<TLane, TLanes, TSecond>(tau, ref v, ref tv, ref ttv, 1200.9029132163525, 13209.932045379877, 145309.25249917863);
        Step<TLane, TLanes, TSecond>(tau, ref v, ref tv, ref ttv, -108.09091978839466, -972.8182780955519, -8755.364502859968);
        Step<TLane, TLanes, TSecond>(tau, ref v, ref tv, ref ttv, 1.7277275025844574, 12.094092518091202, 84.65864762663841);
        s0 = TLanes.Add(TLanes.Multiply(s0, x), v);
        s1 = TLanes.Add(TLanes.Multiply(s1, x), tv);
        s2 = TLanes.Add(TLanes.Multiply(s2, x), ttv);
    }

    /// <summary>Horner steps of <c>v_6 … v_1</c> (and their <c>T_k</c> images) into the running sums.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void LowTerms<TLane, TLanes, TSecond>(TLane tau, TLane x, ref TLane s0, ref TLane s1, ref TLane s2)
        where TLane : unmanaged
        where TLanes : struct, IVmfLanes<TLane>
        where TSecond : struct, IPassFlag
    {
        TLane zero = TLanes.Constant(0.0);
        TLane v;
        TLane tv;
        TLane ttv;
        // v_6: degree 6 in τ
        v = zero;
        tv = zero;
        ttv = zero;
        Step<TLane, TLanes, TSecond>(tau, ref v, ref tv, ref ttv, 212.57013003921713, 3826.262340705908, 68872.72213270635);
        Step<TLane, TLanes, TSecond>(tau, ref v, ref tv, ref ttv, -765.2524681411817, -12244.039490258907, -195904.6318441425);
        Step<TLane, TLanes, TSecond>(tau, ref v, ref tv, ref ttv, 1059.9904525279999, 14839.866335391998, 207758.12869548798);
        Step<TLane, TLanes, TSecond>(tau, ref v, ref tv, ref ttv, -699.5796273761325, -8394.95552851359, -100739.46634216308);
        Step<TLane, TLanes, TSecond>(tau, ref v, ref tv, ref ttv, 218.1905117442116, 2181.905117442116, 21819.051174421158);
        Step<TLane, TLanes, TSecond>(tau, ref v, ref tv, ref ttv, -26.491430486951554, -211.93144389561243, -1695.4515511648995);
        Step<TLane, TLanes, TSecond>(tau, ref v, ref tv, ref ttv, 0.5725014209747314, 3.4350085258483887, 20.610051155090332);
        s0 = TLanes.Add(TLanes.Multiply(s0, x), v);
        s1 = TLanes.Add(TLanes.Multiply(s1, x), tv);
        s2 = TLanes.Add(TLanes.Multiply(s2, x), ttv);

        // v_5: degree 5 in τ
        v = zero;
        tv = zero;
        ttv = zero;
        Step<TLane, TLanes, TSecond>(tau, ref v, ref tv, ref ttv, -28.212072558200244, -423.18108837300366, -6347.716325595055);
        Step<TLane, TLanes, TSecond>(tau, ref v, ref tv, ref ttv, 84.63621767460073, 1100.2708297698096, 14303.520787007525);
        Step<TLane, TLanes, TSecond>(tau, ref v, ref tv, ref ttv, -91.81824154324002, -1010.0006569756401, -11110.007226732043);
        Step<TLane, TLanes, TSecond>(tau, ref v, ref tv, ref ttv, 42.53499874538846, 382.8149887084961, 3445.334898376465);
        Step<TLane, TLanes, TSecond>(tau, ref v, ref tv, ref ttv, -7.368794359479632, -51.58156051635742, -361.07092361450196);
        Step<TLane, TLanes, TSecond>(tau, ref v, ref tv, ref ttv, 0.22710800170898438, 1.1355400085449219, 5.677700042724609);
        s0 = TLanes.Add(TLanes.Multiply(s0, x), v);
        s1 = TLanes.Add(TLanes.Multiply(s1, x), tv);
        s2 = TLanes.Add(TLanes.Multiply(s2, x), ttv);

        // v_4: degree 4 in τ
        v = zero;
        tv = zero;
        ttv = zero;
        Step<TLane, TLanes, TSecond>(tau, ref v, ref tv, ref ttv, 4.669584423426247, 56.03501308111497, 672.4201569733797);
        Step<TLane, TLanes, TSecond>(tau, ref v, ref tv, ref ttv, -11.207002616222994, -112.07002616222994, -1120.7002616222994);
        Step<TLane, TLanes, TSecond>(tau, ref v, ref tv, ref ttv, 8.78912353515625, 70.31298828125, 562.50390625);
        Step<TLane, TLanes, TSecond>(tau, ref v, ref tv, ref ttv, -2.3640869140625, -14.184521484375, -85.10712890625);
        Step<TLane, TLanes, TSecond>(tau, ref v, ref tv, ref ttv, 0.112152099609375, 0.4486083984375, 1.79443359375);
        s0 = TLanes.Add(TLanes.Multiply(s0, x), v);
        s1 = TLanes.Add(TLanes.Multiply(s1, x), tv);
        s2 = TLanes.Add(TLanes.Multiply(s2, x), ttv);

        // v_3: degree 3 in τ
        v = zero;
        tv = zero;
        ttv = zero;
        Step<TLane, TLanes, TSecond>(tau, ref v, ref tv, ref ttv, -1.0258125964506173, -9.232313368055555, -83.0908203125);
        Step<TLane, TLanes, TSecond>(tau, ref v, ref tv, ref ttv, 1.8464626736111112, 12.925238715277779, 90.47667100694444);
        Step<TLane, TLanes, TSecond>(tau, ref v, ref tv, ref ttv, -0.8912109375, -4.4560546875, -22.2802734375);
        Step<TLane, TLanes, TSecond>(tau, ref v, ref tv, ref ttv, 0.0732421875, 0.2197265625, 0.6591796875);
        s0 = TLanes.Add(TLanes.Multiply(s0, x), v);
        s1 = TLanes.Add(TLanes.Multiply(s1, x), tv);
        s2 = TLanes.Add(TLanes.Multiply(s2, x), ttv);

        // v_2: degree 2 in τ
        v = zero;
        tv = zero;
        ttv = zero;
        Step<TLane, TLanes, TSecond>(tau, ref v, ref tv, ref ttv, 0.3342013888888889, 2.0052083333333335, 12.03125);
        Step<TLane, TLanes, TSecond>(tau, ref v, ref tv, ref ttv, -0.4010416666666667, -1.6041666666666667, -6.416666666666667);
        Step<TLane, TLanes, TSecond>(tau, ref v, ref tv, ref ttv, 0.0703125, 0.140625, 0.28125);
        s0 = TLanes.Add(TLanes.Multiply(s0, x), v);
        s1 = TLanes.Add(TLanes.Multiply(s1, x), tv);
        s2 = TLanes.Add(TLanes.Multiply(s2, x), ttv);

        // v_1: degree 1 in τ
        v = zero;
        tv = zero;
        ttv = zero;
        Step<TLane, TLanes, TSecond>(tau, ref v, ref tv, ref ttv, -0.20833333333333334, -0.625, -1.875);
        Step<TLane, TLanes, TSecond>(tau, ref v, ref tv, ref ttv, 0.125, 0.125, 0.125);
        s0 = TLanes.Add(TLanes.Multiply(s0, x), v);
        s1 = TLanes.Add(TLanes.Multiply(s1, x), tv);
        s2 = TLanes.Add(TLanes.Multiply(s2, x), ttv);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Step<TLane, TLanes, TSecond>(TLane tau, ref TLane v, ref TLane tv, ref TLane ttv, double c, double tc, double ttc)
        where TLane : unmanaged
        where TLanes : struct, IVmfLanes<TLane>
        where TSecond : struct, IPassFlag
    {
        v = TLanes.Add(TLanes.Multiply(v, tau), TLanes.Constant(c));
        tv = TLanes.Add(TLanes.Multiply(tv, tau), TLanes.Constant(tc));
        if (TSecond.On)
        {
            ttv = TLanes.Add(TLanes.Multiply(ttv, tau), TLanes.Constant(ttc));
        }
    }
}

/// <summary>
/// The arithmetic <see cref="VmfDebyeSums.EvaluateLanes{TLane, TLanes}"/> needs: element-wise IEEE multiplication and
/// addition (never fused) and a constant rounded once from f64 to the element type.
/// </summary>
/// <typeparam name="TLane">A scalar or a SIMD vector.</typeparam>
public interface IVmfLanes<TLane>
    where TLane : unmanaged
{
    /// <summary><c>a·b</c>, element-wise, correctly rounded.</summary>
    static abstract TLane Multiply(TLane a, TLane b);

    /// <summary><c>a + b</c>, element-wise, correctly rounded.</summary>
    static abstract TLane Add(TLane a, TLane b);

    /// <summary><paramref name="value"/> rounded to the element type, in every lane.</summary>
    static abstract TLane Constant(double value);
}

/// <summary>Scalar lanes: <typeparamref name="T"/>'s operators, constants through <see cref="IReal{T}.FromDouble"/>.</summary>
/// <typeparam name="T">The compute type.</typeparam>
/// <typeparam name="TReal">Its operator struct.</typeparam>
public readonly struct ScalarLanes<T, TReal> : IVmfLanes<T>
    where T : unmanaged, IFloatingPointIeee754<T>
    where TReal : struct, IReal<T>
{
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Multiply(T a, T b) => a * b;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Add(T a, T b) => a + b;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Constant(double value) => TReal.FromDouble(value);
}
